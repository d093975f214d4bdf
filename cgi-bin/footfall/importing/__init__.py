"""Importing web server access logs (scripts/import_log.py is the command): reading the files,
their lines, counting them in batches, in a second process, and what the import reports.

- files: a log being read (plain, gzip or stdin), its fingerprint and how far it is read
- lines: the reading loop, a line into its day or under the reason it is not a page view
- importer: the import, file by file or following a growing log; closed days into batches
- batches: a batch of days counted through storage, with the note of how far each file is read
- counting_process: the batches counted in a second process while this one reads on
- report: the progress bar and the summary

The counting rules are footfall.counting's and the formats footfall.logformats'.
"""


class ImportStopped(Exception):
    """The import cannot go on (a wrong --format, an unreadable file); the message says why."""

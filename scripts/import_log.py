#!/usr/bin/env python3
"""Import web server access logs into footfall's database: years of history on day one.

    python3 scripts/import_log.py /var/log/apache2/access.log*
    zcat old.log.gz | python3 scripts/import_log.py --site example.com -
    python3 scripts/import_log.py --follow /var/log/nginx/access.log

A line counts as a page view by the rules of a live hit (see docs/import.md): a GET of a page
answered 2xx or 304, not a static file, not a bot, not a prefetch, not a flood. 404 and 410 lines
are kept as broken links. Visitors per day are hashed with salts made for the import and thrown
away after it; no IP address reaches the disk. Importing a file again counts no line twice.
Standard library only.
"""

import argparse
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "cgi-bin"))

from footfall import counting, logformats, settings  # noqa: E402
from footfall.importing import ImportStopped  # noqa: E402
from footfall.importing.batches import CACHE_KIB  # noqa: E402
from footfall.importing.importer import Importer, default_site, default_until  # noqa: E402
from footfall.storage import database, imports  # noqa: E402

# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="access logs, plain or gzip; '-' reads stdin")
    parser.add_argument("--db", help="database path (default: FOOTFALL_DB, the config file, "
                                     f"else {settings.DEFAULTS['db']})")
    parser.add_argument("--format", default="combined",
                        help=f"{', '.join(logformats.FORMAT_NAMES)}, or an Apache LogFormat "
                             "string (default combined: Apache's and nginx's default)")
    parser.add_argument("--site", default="",
                        help="the site of a log whose format has no host (%%v); default: the one "
                             "site the database has hits of, else the one of the sites setting")
    parser.add_argument("--until", metavar="YYYY-MM-DD",
                        help="last day to import (default: the day before the first live hit; "
                             "without live hits, yesterday)")
    parser.add_argument("--follow", action="store_true",
                        help="keep reading the one FILE as it grows and is rotated, until stopped")
    parser.add_argument("--poll", type=float, default=1.0, help=argparse.SUPPRESS)
    parser.add_argument("--stop-after", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--processes", type=int, choices=(1, 2), help=argparse.SUPPRESS)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.db and database.has_password(args.db):
        parser.exit(2, f"import_log: {database.password_refused()}\n")
    if args.follow and (len(args.files) != 1 or args.files[0] == "-"):
        parser.error("--follow takes one FILE (not '-')")
    try:
        until = counting.parse_day(args.until, "--until").isoformat() if args.until else None
        site = counting.normalize_site(args.site) if args.site else ""
    except counting.InvalidInput as exc:
        parser.error(str(exc))
    try:
        config = settings.load_config(db=args.db)
        if not args.db:
            print(f"import_log: the database {database.shown(config.db)} "
                  f"({settings.db_origin()})", file=sys.stderr)
        conn = database.connect(config.db)
        # A batch of days writes breakdown rows all over their tables: a page cache to match
        # (negative: KiB), or SQLite reads and writes the same pages again and again.
        conn.execute(f"pragma cache_size = -{CACHE_KIB}")
        imports.lock_imports(conn, config.db)  # before anything is read: see docs/import.md
        if until is None:
            until = default_until(conn, config, args.follow, time.time())
        parse = logformats.compile_format(args.format)
        if not site and not getattr(parse, "has_host", True):
            site = default_site(conn, config)
            if site is None:
                parser.error(f"the format {args.format} has no host and the database has hits "
                             "of several sites: say which site the log is of with --site")
        show = not args.quiet and sys.stderr.isatty()
        # Two processes (reading, counting) where two cores and fork are; --follow reads a
        # line at a time, which one process keeps up with.
        processes = args.processes or (2 if (os.cpu_count() or 1) > 1 and hasattr(os, "fork")
                                       and not args.follow else 1)
        importer = Importer(conn, config, args.format, site, until,
                            progress_stream=sys.stderr if show else None,
                            processes=1 if args.follow else processes)
    except imports.ImportRunning as exc:
        parser.exit(3, f"import_log: {exc}\n")
    except (settings.ConfigError, database.StorageError, logformats.LogFormatError, ImportStopped,
            OSError) as exc:
        parser.exit(1, f"import_log: {exc}\n")

    def stop(signum, frame):
        importer.stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    started = time.perf_counter()
    try:
        try:
            if args.follow:
                summary = importer.follow(args.files[0], args.poll, args.stop_after)
            else:
                summary = importer.run(args.files)
        except ImportStopped as exc:
            importer.finish()
            sys.stderr.write(f"import_log: {exc}\n")
            sys.stdout.write(importer.summary.text(time.perf_counter() - started))
            return 1
    except database.StorageError as exc:
        parser.exit(1, f"import_log: {exc}\n")
    except BaseException:
        importer.abandon()
        raise
    sys.stdout.write(summary.text(time.perf_counter() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""footfall: tiny, self-hosted, privacy-friendly web analytics.

The package beside ``cgi-bin/stats.py``. One module per job:

- ``settings``  the settings table and how a configuration is loaded
- ``storage``   every SQL statement: schema, migrations, writing a hit, reading counts
- ``counting``  the counting rules that need no database: pages, bots, visitor hashes, days
- ``forms``     strict, bounded parsing of request bodies and query strings
- ``app``       the WSGI application: routing, validation, JSON answers

Standard library only; Python 3.9 or newer.
"""

__version__ = "0.1.0"

"""footfall: tiny, self-hosted, privacy-friendly web analytics.

The package beside ``cgi-bin/stats.py``. One module per job:

- ``settings``  the settings table and how a configuration is loaded
- ``storage``   every SQL statement: schema, migrations, writing a hit, reading counts
- ``counting``  the counting rules that need no database: pages, bots, visitor hashes, days
- ``request``   the request, read once from the WSGI environ (Request), and its body
- ``forms``     strict parsing of request bodies and query strings
- ``query``     what a GET asks for, read and checked once (ReadQuery)
- ``responses`` answers other than JSON (Raw) and refusals (HTTPError)
- ``app``       the WSGI application: routing, validation, JSON answers

Standard library only; Python 3.9 or newer.
"""

__version__ = "0.1.0"

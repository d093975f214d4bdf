#!/usr/bin/env python3
"""Copy footfall's live database to a file, consistent even while hits keep arriving.

Uses SQLite's online backup API, so the copy is one moment of the database, rollups and raw hits
agreeing, without stopping the site. Copying the .db file alone can miss what is still in the
-wal file, or catch a write half done.
"""

import argparse
import os
import sqlite3
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "cgi-bin"))

from footfall import settings  # noqa: E402
from footfall.storage import database  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", help="where to write the copy (an existing file is replaced)")
    parser.add_argument("--db", help="database path (default: FOOTFALL_DB, the config file, "
                                     f"else {settings.DEFAULTS['db']})")
    args = parser.parse_args(argv)
    if args.db and database.has_password(args.db):
        parser.exit(2, f"backup: {database.password_refused()}\n")
    try:
        config = settings.load_config(db=args.db)
        conn = database.connect(config.db, create=False)
    except (settings.ConfigError, database.StorageError, OSError, sqlite3.Error) as exc:
        parser.exit(1, f"backup: {exc}\n")
    if database.is_postgres(conn):
        conn.close()
        parser.exit(1, "backup: backup.py copies SQLite files; back PostgreSQL up with pg_dump, "
                       "leaving out the day's tables (docs/deploy.md)\n")
    if os.path.abspath(args.target) == os.path.abspath(config.db):
        parser.exit(1, "backup: the target is the database itself\n")
    partial = args.target + ".partial"
    try:
        if os.path.exists(partial):
            os.remove(partial)
        database.backup(conn, partial)
        # Renamed into place only when complete, so the target is never a half-written copy.
        os.replace(partial, args.target)
    except (OSError, sqlite3.Error) as exc:
        folder = os.path.dirname(os.path.abspath(args.target))
        parser.exit(1, f"backup: cannot write {args.target} "
                       f"({getattr(exc, 'strerror', None) or exc}): the folder {folder} must "
                       "exist and be writable by you\n")
    finally:
        conn.close()
    print(f"backed up {config.db} to {args.target} ({os.path.getsize(args.target)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

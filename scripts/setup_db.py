#!/usr/bin/env python3
"""Create or migrate footfall's database; safe to run again.

For a real install it also generates a read key, so only you can read the stats, and writes it
(and the database path, if you gave --db) into the config file the app reads. --public skips the
key: anyone who finds the dashboard can then read the counts (never the raw hits).
"""

import argparse
import os
import secrets
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "cgi-bin"))

from footfall import settings  # noqa: E402
from footfall.storage import database  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database path (default: FOOTFALL_DB, the config file, "
                                     f"else {settings.DEFAULTS['db']})")
    parser.add_argument("--dashboard", metavar="URL",
                        help="your dashboard's address, e.g. https://example.com/view_stats.html, "
                             "to print a link that hands the read key to your browser")
    parser.add_argument("--public", action="store_true",
                        help="do not generate a read key: stats readable by anyone")
    args = parser.parse_args(argv)

    try:
        config = settings.load_config(db=args.db)
        conn = database.connect(config.db)
        version = database.schema_version(conn)
        conn.close()
    except (settings.ConfigError, database.StorageError, OSError) as exc:
        parser.exit(1, f"setup_db: {exc}\n")
    print(f"database: {config.db} (schema version {version})")

    config_path = settings.config_file_path()
    updates = {}
    if args.db and os.path.abspath(args.db) != os.path.abspath(settings.load_config().db):
        updates["db"] = os.path.abspath(args.db)
    read_key = config.read_key
    if not args.public and not read_key:
        read_key = updates["read_key"] = secrets.token_urlsafe(24)
    if updates:
        write_config_values(config_path, updates)
        print(f"config file: {config_path} (wrote {', '.join(sorted(updates))})")
    if read_key:
        print(f"read key: {read_key}")
        if args.dashboard:
            # After '#', the key never reaches a server or its logs; the page stores and hides it.
            print(f"dashboard: {args.dashboard}#key={read_key}")
            print("Open that link once in your browser; it keeps the key, nobody else sees it.")
        else:
            print("Open view_stats.html on your site and paste the key when it asks; it is kept "
                  "in that browser only.")
    else:
        print("stats are public: no read key is configured")
    return 0


def write_config_values(path, values):
    """Set name = value lines in the [footfall] section, keeping every other line as it was."""
    lines = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    if not any(line.strip().lower() == "[footfall]" for line in lines):
        lines += ["[footfall]"]
    header = next(i for i, line in enumerate(lines) if line.strip().lower() == "[footfall]")
    for name, value in values.items():
        for i, line in enumerate(lines):
            if line.split("=", 1)[0].strip().lower() == name and "=" in line:
                lines[i] = f"{name} = {value}"
                break
        else:
            lines.insert(header + 1, f"{name} = {value}")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    # The file may hold the read key: readable by its owner (the user CGI runs as) only.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())

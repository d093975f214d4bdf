#!/usr/bin/env python3
"""Create or migrate footfall's database, and decide who may read the stats; safe to run again.

Privacy is recorded in the database itself, so it holds whichever user the web server runs
scripts as: by default a read key is generated, printed once (like an API token) and only its
hash kept; a key configured in FOOTFALL_READ_KEY or the config file is recorded the same way.
--public records that anyone who finds the dashboard may read the counts (never the raw hits).
Run as root with --web-user NAME, it hands the database folder to the user CGI runs as.
"""

import argparse
import os
import secrets
import sqlite3
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "cgi-bin"))

from footfall import settings  # noqa: E402
from footfall.storage import database, meta  # noqa: E402

SCRIPT = os.path.abspath(__file__)


class SetupError(Exception):
    """Something the user must fix; the message says what and how."""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database path (default: FOOTFALL_DB, the config file, "
                                     f"else {settings.DEFAULTS['db']})")
    parser.add_argument("--dashboard", metavar="URL",
                        help="your dashboard's address, e.g. https://example.com/view_stats.html, "
                             "to print a link that hands the read key to your browser")
    parser.add_argument("--public", action="store_true",
                        help="record that the stats are public: readable by anyone")
    parser.add_argument("--remove-key", action="store_true",
                        help="with --public: remove an existing read key (from the database and "
                             "the config file)")
    parser.add_argument("--new-key", action="store_true",
                        help="replace the read key with a new one (the old one stops working)")
    parser.add_argument("--web-user", metavar="NAME",
                        help="run as root: give the database folder to the user the web server "
                             "runs CGI scripts as (e.g. www-data), folder 0700, files 0600")
    args = parser.parse_args(argv)
    if args.db and database.has_password(args.db):
        parser.exit(2, f"setup_db: {database.password_refused()}\n")
    if args.remove_key and not args.public:
        parser.error("--remove-key goes with --public")
    if args.new_key and args.public:
        parser.error("--new-key and --public contradict each other")
    web_user = None
    if args.web_user:
        if os.geteuid() != 0:
            parser.error("--web-user changes who owns the files: run it as root (sudo)")
        import pwd

        try:
            web_user = pwd.getpwnam(args.web_user)
        except KeyError:
            parser.error(f"there is no user named {args.web_user!r} on this machine")
    try:
        return setup(args, web_user)
    except SetupError as exc:
        print(f"setup_db: {exc}", file=sys.stderr)
        return 1


def setup(args, web_user):
    try:
        config = settings.load_config(db=args.db)
    except settings.ConfigError as exc:
        raise SetupError(str(exc)) from None
    postgres = database.is_postgres_url(config.db)
    if postgres and web_user:
        raise SetupError("--web-user hands over an SQLite file's folder; PostgreSQL has no files "
                         "of footfall's to hand over")
    conn = open_database(config.db)
    try:
        print(f"database: {database.shown(config.db)} "
              f"(schema version {database.schema_version(conn)})")
        config_path = settings.config_file_path()
        # A URL (which may hold a password) is not written to the config file: give the app
        # servers FOOTFALL_DB themselves.
        if args.db and not web_user and not postgres:
            default_db = settings.load_config().db
            if os.path.abspath(args.db) != os.path.abspath(default_db):
                write_config_values(config_path, {"db": os.path.abspath(args.db)})
                print(f"config file: wrote db = {os.path.abspath(args.db)} into {config_path}; "
                      "scripts run without --db (note.py, report.py, backup.py, import_log.py, "
                      "seed_db.py) now use this database")
        status = decide_access(conn, config, config_path, args)
    finally:
        conn.close()
    if web_user:
        hand_over(config.db, web_user)
    elif not postgres:
        check_owner(config.db)
    return status


def open_database(path):
    directory = os.path.dirname(os.path.abspath(path))
    try:
        return database.connect(path)
    except database.StorageError as exc:
        raise SetupError(str(exc)) from None
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise SetupError(f"cannot create or open {path} ({reason}): the folder {directory} must "
                         "exist or be creatable, and be writable by you; choose another with "
                         "--db") from None


def decide_access(conn, config, config_path, args):
    """Record public or the hash of a key, and say what was done. Returns the exit status."""
    recorded = meta.read_access(conn)
    from_env = bool(os.environ.get("FOOTFALL_READ_KEY"))
    where = "FOOTFALL_READ_KEY" if from_env else f"the config file {config_path}"
    has_key = bool(config.read_key) or (recorded not in (None, meta.PUBLIC))
    if args.public:
        if has_key and not args.remove_key:
            # A URL stays in FOOTFALL_DB: on a command line its password would show (ps, history).
            db = "" if database.is_postgres_url(config.db) else f" --db {config.db}"
            print(f"stats stay private: this install has a read key ("
                  f"{where if config.read_key else 'its hash is in the database'}), kept.\n"
                  f"To remove it and make the stats public: "
                  f"python3 {SCRIPT}{db} --public --remove-key")
            return 1
        if config.read_key and not from_env:
            write_config_values(config_path, {"read_key": None})
            print(f"config file: {config_path} (removed read_key)")
        meta.record_public(conn)
        print("stats are public: anyone who finds the dashboard can read the counts "
              "(never the raw hits)")
        if from_env:
            print("but FOOTFALL_READ_KEY is set in the environment, and it still decides: remove "
                  "it where it is set (SetEnv in the .htaccess or the server's config)")
            return 1
        return 0
    if config.read_key:
        if args.new_key:
            raise SetupError(f"the read key is set in {where}: change it there, then run "
                             "setup_db.py again")
        if recorded is None or not meta.key_matches(recorded, config.read_key):
            meta.record_key(conn, config.read_key)
        print(f"read key: the one in {where} (its hash is recorded in the database)")
        print_link(args.dashboard, config.read_key)
        return 0
    if recorded is not None and not args.new_key:
        if recorded == meta.PUBLIC:
            print("stats are public (recorded earlier); --new-key makes them private")
        else:
            print("read key: set; only its hash is kept, the key was printed when it was made. "
                  "Lost it? --new-key makes a new one")
        return 0
    key = secrets.token_urlsafe(18)  # 144 random bits, 24 characters
    meta.record_key(conn, key)
    print(f"read key: {key}")
    print("It is shown only now: footfall keeps a hash of it, never the key.")
    print_link(args.dashboard, key)
    return 0


def print_link(dashboard, key):
    if dashboard:
        # After '#', the key never reaches a server or its logs; the page stores and hides it.
        print(f"dashboard: {dashboard}#key={key}")
        print("Open that link once in your browser; it keeps the key, nobody else sees it.")
    else:
        print("Open view_stats.html on your site and paste the key when it asks; it is kept "
              "in that browser only.")


# ---------------------------------------------------------------------------------------------
# Who owns the files: the user the web server runs scripts as must be able to write them
# ---------------------------------------------------------------------------------------------

def database_files(db):
    return [db + suffix for suffix in ("", "-wal", "-shm", "-journal")
            if os.path.exists(db + suffix)]


def hand_over(db, user):
    """chown the database folder and files to the web server's user: folder 0700, files 0600."""
    directory = os.path.dirname(os.path.abspath(db))
    for path in [directory] + database_files(db):
        os.chown(path, user.pw_uid, user.pw_gid)
        os.chmod(path, 0o700 if path == directory else 0o600)
    print(f"owner: {user.pw_name} now owns {directory} (0700) and the database files (0600)")
    blocked = _blocked_parent(directory, user)
    if blocked:
        print(f"setup_db: {user.pw_name} cannot enter {blocked} (mode "
              f"{oct(os.stat(blocked).st_mode & 0o777)[2:]}): run  chmod 711 {blocked}",
              file=sys.stderr)
    home_db = os.path.join(user.pw_dir, "footfall", "footfall.db")
    if os.path.abspath(db) != home_db:
        print(f"Tell the web server where the database is: Apache  SetEnv FOOTFALL_DB {db}  "
              f"(.htaccess or the server config); nginx  fastcgi_param FOOTFALL_DB {db};")


def _blocked_parent(directory, user):
    """The first folder above directory that user may not enter, or None."""
    import grp

    groups = {g.gr_gid for g in grp.getgrall() if user.pw_name in g.gr_mem} | {user.pw_gid}
    path = os.path.dirname(directory)
    while True:
        info = os.stat(path)
        if info.st_uid == user.pw_uid:
            allowed = info.st_mode & 0o100
        elif info.st_gid in groups:
            allowed = info.st_mode & 0o010
        else:
            allowed = info.st_mode & 0o001
        if not allowed:
            return path
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent


def check_owner(db):
    """Without --web-user: say exactly what to run when the web server may not write the files."""
    directory = os.path.dirname(os.path.abspath(db))
    if os.geteuid() == 0 and os.stat(directory).st_uid == 0:
        print(f"setup_db: root owns {directory} now, and web servers never run scripts as root, "
              f"so hits would fail. If CGI runs as www-data (no suEXEC), run:\n"
              f"  sudo python3 {SCRIPT} --db {os.path.abspath(db)} --web-user www-data",
              file=sys.stderr)
    else:
        print(f"If your web server runs scripts as another user (no suEXEC; www-data, apache or "
              f"nobody), it cannot write {directory}: run  sudo python3 {SCRIPT} "
              f"--db {os.path.abspath(db)} --web-user www-data")


# ---------------------------------------------------------------------------------------------
# The config file: only its [footfall] section is ours
# ---------------------------------------------------------------------------------------------

def write_config_values(path, values):
    """Set (value None: remove) name = value lines of the [footfall] section, keeping every
    other line, and every other section, as it was. The file stays 0600: it may hold a key."""
    lines = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    headers = [i for i, line in enumerate(lines) if line.strip().startswith("[")]
    start = next((i for i in headers if lines[i].strip().lower() == "[footfall]"), None)
    if start is None:
        if any(value is not None for value in values.values()):
            lines += ["[footfall]"]
            start = len(lines) - 1
            headers.append(start)
        else:
            return
    end = next((i for i in headers if i > start), len(lines))
    section = lines[start + 1:end]
    for name, value in values.items():
        found = [i for i, line in enumerate(section)
                 if "=" in line and line.split("=", 1)[0].strip().lower() == name]
        for i in reversed(found[1:] if value is not None else found):
            del section[i]
        if value is not None:
            if found:
                section[found[0]] = f"{name} = {value}"
            else:
                section.insert(0, f"{name} = {value}")
    lines[start + 1:end] = section
    database.make_private_folders(os.path.dirname(os.path.abspath(path)))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file made readable by others is made private again
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())

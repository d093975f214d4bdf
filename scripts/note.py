#!/usr/bin/env python3
"""Write, list and delete notes on days ("launched on HN"); the dashboard marks them on the chart.

    python3 scripts/note.py add 2026-11-01 "launched on HN"
    python3 scripts/note.py list
    python3 scripts/note.py delete 3

Only this script writes notes: being able to run it on the server is the owner's proof. The
read key only reads notes, so it can be shared with people who should not change them.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "cgi-bin"))

from footfall import settings  # noqa: E402
from footfall.storage import database, notes  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database path (default: FOOTFALL_DB, the config file, "
                                     f"else {settings.DEFAULTS['db']})")
    commands = parser.add_subparsers(dest="command", metavar="add|list|delete", required=True)
    add = commands.add_parser("add", help="note a day: add YYYY-MM-DD TEXT")
    add.add_argument("day", help="the day, as YYYY-MM-DD")
    add.add_argument("text", help=f"the note, one line of at most {notes.MAX_TEXT_LENGTH} characters")
    commands.add_parser("list", help="every note, oldest day first, with its id")
    delete = commands.add_parser("delete", help="delete the note with this id")
    delete.add_argument("id", type=int, help="the note's id (from list, or the dashboard)")
    args = parser.parse_args(argv)
    if args.db and database.has_password(args.db):
        parser.exit(2, f"note: {database.password_refused()}\n")
    try:
        config = settings.load_config(db=args.db)
        if not args.db:
            print(f"note: the database {database.shown(config.db)} ({settings.db_origin()})",
                  file=sys.stderr)
        conn = database.connect(config.db, create=args.command == "add")
    except (settings.ConfigError, database.StorageError, OSError) as exc:
        parser.exit(1, f"note: {exc}\n")
    if args.command == "add":
        try:
            note_id = notes.add_note(conn, args.day, args.text, time.time())
        except notes.NoteError as exc:
            parser.exit(1, f"note: {exc}\n")
        print(f"note {note_id} on {args.day} added")
    elif args.command == "list":
        rows = notes.all_notes(conn)
        for note_id, day, text in rows:
            print(f"{note_id:>4}  {day}  {text}")
        if not rows:
            print("no notes yet")
    else:
        if not notes.delete_note(conn, args.id):
            parser.exit(1, f"note: there is no note {args.id}\n")
        print(f"note {args.id} deleted")
    return 0


if __name__ == "__main__":
    sys.exit(main())

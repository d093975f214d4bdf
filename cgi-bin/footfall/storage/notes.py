"""Notes on days ("launched on HN") and what changed after them.

Only scripts/note.py writes notes: shell access to the server is the owner's proof. The read key
only reads them (it may be shared with people who should not write), and no HTTP request adds
or deletes one. See docs/notes.md.
"""

import datetime

from . import totals
from .connection import in_transaction

MAX_TEXT_LENGTH = 200
# The days averaged on each side of a note: the two weeks before its day, and two weeks from it.
WINDOW_DAYS = 14

INSERT_NOTE = """
    insert into notes (day, text, created) values (:day, :text, :created)
"""
DELETE_NOTE = """
    delete from notes where id = :id
"""
SELECT_NOTES = """
    select id, day, text from notes order by day, id
"""
SELECT_NOTES_IN_RANGE = """
    select id, day, text
      from notes
     where day between :first and :last
     order by day, id
"""


class NoteError(ValueError):
    """A note's day or text cannot be stored."""


def check_note(day, text):
    """The note's day and text, checked and tidied: (day, text), or NoteError."""
    try:
        if len(day) != 10:
            raise ValueError
        datetime.date.fromisoformat(day)
    except ValueError:
        raise NoteError(f"day must be a date as YYYY-MM-DD, not {day!r}") from None
    text = text.strip()
    if not text:
        raise NoteError("the note is empty")
    if len(text) > MAX_TEXT_LENGTH:
        raise NoteError(f"the note is {len(text)} characters long; at most {MAX_TEXT_LENGTH}")
    # A note is one line of plain text: no newlines, tabs or terminal escape sequences that
    # would garble note.py's list or a mail.
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text):
        raise NoteError("the note contains control characters (newlines, tabs, escapes)")
    return day, text


def add_note(conn, day, text, created):
    """Store a note and return its id."""
    day, text = check_note(day, text)
    params = {"day": day, "text": text, "created": created}
    return in_transaction(conn, lambda c: c.execute(INSERT_NOTE, params).lastrowid)


def delete_note(conn, note_id):
    """Delete a note; True if there was one with that id."""
    return in_transaction(
        conn, lambda c: c.execute(DELETE_NOTE, {"id": note_id}).rowcount > 0)


def all_notes(conn):
    """Every note, oldest day first: [(id, day, text), ...]."""
    return conn.execute(SELECT_NOTES).fetchall()


def in_range(conn, first, last, today, site=None, page=None):
    """The notes of the days [first, last], each with the mean daily visitors before and after.

    before: the WINDOW_DAYS days before the note's day; after: WINDOW_DAYS days from it. Both are
    cut to the data that exists (from the first day with hits to today), and say how many days
    they average (before_days, after_days); a side with no days is null. Visitors are those of
    the answer's own filter (site, page).
    """
    rows = conn.execute(SELECT_NOTES_IN_RANGE, {"first": first, "last": last}).fetchall()
    if not rows:
        return []
    stored = totals.first_day(conn, site, page)
    data_first = datetime.date.fromisoformat(stored) if stored else None
    data_last = datetime.date.fromisoformat(today)
    notes = []
    for note_id, day, text in rows:
        date = datetime.date.fromisoformat(day)
        window = datetime.timedelta(days=WINDOW_DAYS)
        before = _mean(conn, date - window, date - _ONE_DAY, data_first, data_last, site, page)
        after = _mean(conn, date, date + window - _ONE_DAY, data_first, data_last, site, page)
        notes.append({"id": note_id, "day": day, "text": text,
                      "before": before[0], "before_days": before[1],
                      "after": after[0], "after_days": after[1]})
    return notes


_ONE_DAY = datetime.timedelta(days=1)


def _mean(conn, start, end, data_first, data_last, site, page):
    """(mean daily visitors, days averaged) of [start, end] cut to the data; (None, 0) if empty."""
    if data_first is None:
        return None, 0
    start, end = max(start, data_first), min(end, data_last)
    if end < start:
        return None, 0
    days = (end - start).days + 1
    counts = totals.read_days(conn, start.isoformat(), end.isoformat(), site, page)
    visitors = sum(v for v, _ in counts.values())
    return round(visitors / days, 1), days

"""Notes on days: written only by scripts/note.py, read in the GET answer with before and after."""

import datetime

import pytest
from footfall import settings
from footfall.app import Application
from footfall.storage import database, notes, record
from footfall_testing import call_app, post_form
from test_scripts import run_script

# Runs against SQLite and against PostgreSQL (conftest.py).
pytestmark = pytest.mark.both_backends


def fill_days(db_path, first, visitors_per_day):
    """Daily visitors straight into the rollups, one day after another from first."""
    conn = database.connect(db_path)

    def write(c):
        day = datetime.date.fromisoformat(first)
        for visitors in visitors_per_day:
            record.add_site_day(c, day.isoformat(), "example.com", visitors, visitors)
            day += datetime.timedelta(days=1)

    database.in_transaction(conn, write)
    return conn


def test_note_script_adds_lists_and_deletes(tmp_path, db_path):
    added = run_script("note.py", "--db", db_path, "add", "2026-11-01", "launched on HN",
                       home=tmp_path)
    assert added.returncode == 0 and added.stdout == "note 1 on 2026-11-01 added\n"
    run_script("note.py", "--db", db_path, "add", "2026-10-03", "new design", home=tmp_path)
    listed = run_script("note.py", "--db", db_path, "list", home=tmp_path)
    assert listed.stdout == "   2  2026-10-03  new design\n   1  2026-11-01  launched on HN\n"
    deleted = run_script("note.py", "--db", db_path, "delete", "2", home=tmp_path)
    assert deleted.stdout == "note 2 deleted\n"
    again = run_script("note.py", "--db", db_path, "delete", "2", home=tmp_path)
    assert again.returncode == 1 and again.stderr == "note: there is no note 2\n"
    assert run_script("note.py", "--db", db_path, "list", home=tmp_path).stdout == \
        "   1  2026-11-01  launched on HN\n"


@pytest.mark.parametrize("day, text, message", [
    ("2026-13-01", "x", "day must be a date as YYYY-MM-DD, not '2026-13-01'"),
    ("1.11.2026", "x", "day must be a date as YYYY-MM-DD, not '1.11.2026'"),
    ("2026-11-01", "   ", "the note is empty"),
    ("2026-11-01", "x" * 201, "the note is 201 characters long; at most 200"),
    ("2026-11-01", "two\nlines", "the note contains control characters (newlines, tabs, escapes)"),
    ("2026-11-01", "\x1b[31mred", "the note contains control characters (newlines, tabs, escapes)"),
    ("2026-11-01", "c1\x9bcontrol", "the note contains control characters (newlines, tabs, escapes)"),
], ids=["bad-month", "not-iso", "empty", "too-long", "newline", "terminal-escape", "c1-control"])
def test_bad_note_is_refused_with_a_clear_message(tmp_path, db_path, day, text, message):
    result = run_script("note.py", "--db", db_path, "add", day, text, home=tmp_path)
    assert result.returncode == 1
    assert result.stderr == f"note: {message}\n"
    conn = database.connect(db_path)
    assert notes.all_notes(conn) == []


def test_note_script_lists_nothing_without_creating_a_database(tmp_path):
    result = run_script("note.py", "--db", str(tmp_path / "none.db"), "list", home=tmp_path)
    assert result.returncode == 1 and "does not exist" in result.stderr


def test_note_script_without_db_names_the_database_setup_db_put_in_the_config_file(tmp_path):
    db = str(tmp_path / "data" / "footfall.db")
    assert run_script("setup_db.py", "--db", db, "--public", home=tmp_path).returncode == 0
    result = run_script("note.py", "list", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (f"note: the database {db} (db in the config file "
                             f"{tmp_path / 'footfall' / 'footfall.ini'})\n")


@pytest.mark.parametrize("env, origin", [
    ({}, "the default"), ({"FOOTFALL_DB": "{db}"}, "FOOTFALL_DB")], ids=["default", "environment"])
def test_note_script_without_db_names_the_database_and_where_it_came_from(tmp_path, env, origin):
    db = str(tmp_path / "footfall" / "footfall.db")
    result = run_script("note.py", "add", "2026-11-01", "launched on HN", home=tmp_path,
                        env={name: value.format(db=db) for name, value in env.items()})
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"note: the database {db} ({origin})\n"


def test_get_answers_notes_with_mean_daily_visitors_before_and_after(db_path, config, clock):
    # 2026-10-01 .. 2026-11-28: 40 visitors a day until the note on 11-01, then 70, today 0.
    conn = fill_days(db_path, "2026-10-01", [40] * 31 + [70] * 27)
    notes.add_note(conn, "2026-11-01", "launched on HN", 0)
    answer = call_app(Application(config, clock), query="from=2026-10-15").json()
    assert answer["notes"] == [{"id": 1, "day": "2026-11-01", "text": "launched on HN",
                                "before": 40.0, "before_days": 14,
                                "after": 70.0, "after_days": 14}]


def test_note_near_the_ends_of_the_data_averages_fewer_days(db_path, config, clock):
    # Data from 2026-11-20; today is 2026-11-28 (NOON), whose visitors so far count too.
    conn = fill_days(db_path, "2026-11-20", [10, 10, 10, 10, 20, 20, 20, 20, 20])
    notes.add_note(conn, "2026-11-24", "new header", 0)
    notes.add_note(conn, "2026-11-20", "first day", 0)
    answer = call_app(Application(config, clock), query="from=2026-11-01").json()
    assert answer["notes"] == [
        {"id": 2, "day": "2026-11-20", "text": "first day",
         "before": None, "before_days": 0, "after": 15.6, "after_days": 9},
        {"id": 1, "day": "2026-11-24", "text": "new header",
         "before": 10.0, "before_days": 4, "after": 20.0, "after_days": 5},
    ]


def test_notes_outside_the_range_are_left_out(db_path, config, clock):
    conn = fill_days(db_path, "2026-11-01", [5] * 28)
    notes.add_note(conn, "2026-11-02", "before the range", 0)
    notes.add_note(conn, "2026-11-20", "in the range", 0)
    answer = call_app(Application(config, clock), query="from=2026-11-10").json()
    assert [n["text"] for n in answer["notes"]] == ["in the range"]


def test_read_key_reads_notes_and_no_request_writes_them(db_path, clock):
    conn = fill_days(db_path, "2026-11-01", [5] * 28)
    notes.add_note(conn, "2026-11-20", "launched", 0)
    application = Application(settings.Config(db=db_path, read_key="s3cret"), clock)
    key = {"X-Footfall-Key": "s3cret"}
    assert call_app(application, query="from=2026-11-01").status == 401
    answer = call_app(application, query="from=2026-11-01", headers=key).json()
    assert [n["text"] for n in answer["notes"]] == ["launched"]
    # Whatever a holder of the read key sends, notes do not change: there is no HTTP way in.
    attempts = [
        call_app(application, "POST", body=post_form({"note": "spam", "day": "2026-11-21"}),
                 headers=key),
        call_app(application, "POST", body=post_form({"page": "/", "note": "spam"}), headers=key),
        call_app(application, "DELETE", query="note=1", headers=key),
        call_app(application, "PUT", body=post_form({"day": "2026-11-21", "text": "x"}),
                 headers=key),
        call_app(application, query="note=1&delete=1", headers=key),
    ]
    assert [a.status for a in attempts] == [400, 200, 405, 405, 200]
    assert notes.all_notes(database.connect(db_path)) == [(1, "2026-11-20", "launched")]

"""What only the PostgreSQL backend has: the translated dialect, its schema beside SQLite's, its
rules under writers that really run side by side, and a 503 (never a hang) when the server is
unreachable or its locks are held too long. The storage, contract and privacy tests run on it
too (conftest.py)."""

import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pg_testing
import psycopg
import pytest
from footfall import settings
from footfall.app import Application
from footfall.storage import database, days, dialect, pg_schema, postgres, record
from footfall_testing import (
    CGI_SCRIPT,
    FIXED_CLOCK_ENV,
    NOON,
    SCRIPTS,
    Clock,
    call_app,
    post_form,
    run_cgi,
)
from storage_testing import RULES, day_counts, hit, rows, table_names

# A port on which nothing listens: what a stopped or unreachable server looks like.
UNREACHABLE = "postgresql://footfall@127.0.0.1:9/footfall"


@pytest.fixture
def pg(pg_url):
    conn = database.connect(pg_url)
    yield conn
    conn.close()


@pytest.mark.parametrize("sqlite, postgresql", [
    ("select salt from salts where day = :day",
     "select salt from salts where day = %(day)s"),
    ("insert or ignore into salts (day, salt) values (:day, :salt)",
     "insert into salts (day, salt) values (%(day)s, %(salt)s)\n    on conflict do nothing"),
    ("insert into daily_ref (day, site, ref, pageviews) values (:day, :site, :ref, :pageviews)\n"
     "on conflict (day, site, ref) do update set pageviews = daily_ref.pageviews + excluded.pageviews",
     "insert into daily_ref (day, site, ref, pageviews) values (%(day)s, %(site)s, %(ref)s, "
     "%(pageviews)s)\non conflict (day, site, ref) do update set "
     "pageviews = daily_ref.pageviews + excluded.pageviews"),
    ("update views set seconds = min(seconds + :s, max(:now - ts, 0))",
     "update views set seconds = least(seconds + %(s)s, greatest(%(now)s - ts, 0))"),
    ("select min(day) from daily_site where (:site is null or site = :site)",
     "select min(day) from daily_site where (%(site)s::text is null or site = %(site)s)"),
    ("select count(*) from views where visitor = :v and counted",
     "select count(*) from views where visitor = %(v)s and counted <> 0"),
    ("select id from views where id > :through and +day = :day",
     "select id from views where id > %(through)s and day = %(day)s"),
    ("update imported_logs set offset = :offset",
     'update imported_logs set "offset" = %(offset)s'),
    ("select '100%' as share", "select '100%%' as share"),
    ("insert into meta (name, value) values (?, ?) -- why?",
     "insert into meta (name, value) values (%s, %s) -- why?"),
], ids=["parameter", "insert-or-ignore", "upsert-as-written", "scalar-min-max", "null-test",
        "counted-as-truth", "plus-day", "reserved-word", "percent", "positional"])
def test_sqlite_statements_become_postgresql_ones(sqlite, postgresql):
    assert dialect.translate(sqlite) == postgresql


# What each database's declared types are, as one name per kind of value.
SQLITE_TYPES = {"integer": "integer", "text": "text", "real": "real", "blob": "blob"}
POSTGRESQL_TYPES = {"integer": "integer", "bigint": "integer", "text": "text",
                    "double precision": "real", "bytea": "blob"}


def sqlite_schema(conn):
    """{table: (columns [(name, kind, not null, default)], primary key, {index: columns})}."""
    described = {}
    for (table,) in rows(conn, "select name from sqlite_master where type = 'table'"):
        info = rows(conn, f"pragma table_info({table})")
        columns = [(name, SQLITE_TYPES[kind.lower()], bool(notnull or pk), default)
                   for _, name, kind, notnull, default, pk in info]
        key = tuple(name for *_, name, _kind, _nn, _default, pk in sorted(info, key=lambda c: c[5])
                    if pk)
        indexes = {name: tuple(column for *_, column in rows(conn, f"pragma index_info({name})"))
                   for _, name, _unique, origin, _partial in rows(conn, f"pragma index_list({table})")
                   if origin == "c"}  # made by create index, not a primary key's own
        described[table] = (columns, key, indexes)
    return described


def postgresql_schema(conn):
    """The same description of a PostgreSQL database, from information_schema and pg_indexes."""
    described = {}
    for (table,) in rows(conn, """
            select table_name from information_schema.tables
             where table_schema = current_schema() and table_name != 'footfall_version'"""):
        columns = [(name, POSTGRESQL_TYPES[kind], nullable == "NO",
                    None if default is None else default.replace("::text", ""))
                   for name, kind, nullable, default in rows(conn, f"""
            select column_name, data_type, is_nullable, column_default
              from information_schema.columns
             where table_schema = current_schema() and table_name = '{table}'
             order by ordinal_position""")]
        key = tuple(name for (name,) in rows(conn, f"""
            select k.column_name from information_schema.table_constraints as c
              join information_schema.key_column_usage as k using (constraint_schema, constraint_name)
             where c.table_schema = current_schema() and c.table_name = '{table}'
               and c.constraint_type = 'PRIMARY KEY'
             order by k.ordinal_position"""))
        indexes = {name: tuple(part.strip().strip('"')
                               for part in definition.rpartition("(")[2].rstrip(")").split(","))
                   for name, definition in rows(conn, f"""
            select indexname, indexdef from pg_indexes
             where schemaname = current_schema() and tablename = '{table}'
               and indexname != '{table}_pkey'""")}
        described[table] = (columns, key, indexes)
    return described


def test_the_postgresql_schema_describes_sqlites_tables_columns_keys_and_indexes(pg, tmp_path):
    lite = database.connect(str(tmp_path / "footfall.db"))
    expected = sqlite_schema(lite)
    lite.close()
    assert postgresql_schema(pg) == expected
    assert database.schema_version(pg) == database.SCHEMA_VERSION


def test_the_schema_comparison_sees_a_changed_type_key_and_index(pg):
    before = postgresql_schema(pg)
    pg.execute("alter table notes alter column created type text")
    pg.execute("alter table daily_ref drop constraint daily_ref_pkey")
    pg.execute("drop index views_day")
    after = postgresql_schema(pg)
    assert after["notes"][0][3] == ("created", "text", True, None)
    assert (before["daily_ref"][1], after["daily_ref"][1]) == (("day", "site", "ref"), ())
    assert (before["views"][2], after["views"][2]) == (
        {"views_visitor": ("visitor", "page", "ts", "counted"), "views_day": ("day", "ts")},
        {"views_visitor": ("visitor", "page", "ts", "counted")})


def test_a_postgresql_database_of_the_first_version_is_migrated_to_the_current_one(pg_url, pg):
    # Migrations 13 to 15 change rows only, 16 adds monthly_people and 17 strings and
    # day_records, so the current tables without those three are version 12's: give them a
    # month's hour rows and a day's, and migrate again from 12.
    pg.execute("drop table strings")
    pg.execute("drop table day_records")
    hour = {"filter": "browser", "filter_value": "Firefox", "site": "example.com", "entries": 0,
            "bounces": 0, "seconds": 0, "timed": 0}
    for value, visitors, pageviews in (("9", 2, 3), ("14", 1, 1)):
        pg.execute("""
            insert into daily_breakdown (filter, filter_value, dim, day, site, value, visitors,
                                         pageviews, entries, bounces, seconds, timed)
            values (:filter, :filter_value, 'hour', '2026-11-27', :site, :value, :visitors,
                    :pageviews, 0, 0, 0, 0)""",
                   dict(hour, value=value, visitors=visitors, pageviews=pageviews))
    pg.execute("""
        insert into monthly_breakdown (filter, filter_value, dim, month, site, value, visitors,
                                       pageviews, entries, bounces, seconds, timed)
        values ('', '', 'hour', '2026-11', 'example.com', '9', 2, 3, 0, 0, 0, 0)""")
    pg.execute("drop table monthly_people")
    pg.execute(f"pragma user_version = {pg_schema.FIRST_VERSION}")
    again = database.connect(pg_url)
    assert database.schema_version(again) == database.SCHEMA_VERSION
    [(dim, value, visitors)] = rows(again, "select dim, value, visitors from daily_breakdown")
    assert (dim, sorted(value.split()), visitors) == ("hours", ["14:1:1", "9:2:3"], 0)
    assert rows(again, "select count(*) from monthly_breakdown") == [(0,)]
    assert {"strings", "day_records"} <= table_names(again)
    again.close()


def test_connecting_again_finds_the_schema_current(pg_url, pg):
    record.record_hit(pg, hit(), RULES)
    again = database.connect(pg_url)
    assert database.schema_version(again) == database.SCHEMA_VERSION
    assert day_counts(again, "2026-11-28") == (1, 1)
    again.close()


def test_processes_racing_to_create_the_schema_all_get_it(pg_url):
    def connect(_):
        conn = database.connect(pg_url)
        version = database.schema_version(conn)
        conn.close()
        return version

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(connect, range(8))) == [database.SCHEMA_VERSION] * 8


def _writers(url, count, work):
    """work(conn, number) in count threads at once, each with its own connection, as processes
    on several machines would; they start together."""
    start = threading.Barrier(count, timeout=60)

    def run(number):
        try:
            conn = database.connect(url)
        except BaseException:
            start.abort()  # the others then fail at once rather than wait for this one
            raise
        try:
            start.wait()
            return work(conn, number)
        finally:
            conn.close()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_one_visitors_simultaneous_hits_count_one_visitor_and_the_flood_limit(pg_url):
    # 16 writers, 4 hits each of one page by one visitor within a second: the flood rule lets 10
    # through, and only one of them is the visitor's first.
    results = _writers(pg_url, 16, lambda conn, n: [
        record.record_hit(conn, hit(ts=NOON + n * 0.01 + i * 0.2, page="/hot"), RULES)
        for i in range(4)])
    reasons = [reason for batch in results for reason in batch]
    assert (reasons.count(None), reasons.count("flood")) == (10, 54)
    conn = database.connect(pg_url)
    assert day_counts(conn, "2026-11-28") == (1, 10)
    assert day_counts(conn, "2026-11-28", page="/hot") == (1, 10)
    assert rows(conn, "select count(*) from salts") == [(1,)]
    conn.close()


def test_simultaneous_first_hits_of_a_day_share_one_salt_and_lose_no_count(pg_url):
    # 24 visitors' first hits at once, each making the day's salt if it has none yet.
    _writers(pg_url, 24, lambda conn, n: record.record_hit(
        conn, hit(ip=f"10.1.0.{n}", page=f"/p{n % 3}"), RULES))
    conn = database.connect(pg_url)
    assert rows(conn, "select count(*) from salts") == [(1,)]
    assert rows(conn, "select count(*) from month_salts") == [(1,)]
    assert rows(conn, "select count(distinct visitor) from views") == [(24,)]
    assert day_counts(conn, "2026-11-28") == (24, 24)
    assert [day_counts(conn, "2026-11-28", page=f"/p{i}") for i in range(3)] == [(8, 8)] * 3
    conn.close()


def test_a_day_ended_by_many_writers_at_once_is_summed_up_once(pg_url):
    conn = database.connect(pg_url)
    for n in range(6):
        record.record_hit(conn, hit(ip=f"10.2.0.{n}", page="/yesterday"), RULES)
    conn.close()
    tomorrow = NOON + 86400
    _writers(pg_url, 12, lambda conn, n: record.record_hit(
        conn, hit(ts=tomorrow, ip=f"10.3.0.{n}"), RULES, today=lambda: "2026-11-29"))
    conn = database.connect(pg_url)
    assert rows(conn, """select visitors, pageviews from daily_breakdown
                          where day = '2026-11-28' and filter = '' and dim = ''""") == [(6, 6)]
    assert rows(conn, "select day from salts") == [("2026-11-29",)]
    assert rows(conn, "select count(*) from views where day < '2026-11-29'") == [(0,)]
    conn.close()


def _app(db, clock=None):
    application = Application(settings.Config(db=db, timezone="UTC"), clock or Clock())
    return lambda **kwargs: call_app(application, **kwargs)


def test_an_unreachable_server_answers_a_hit_503_with_retry_after():
    app = _app(UNREACHABLE)
    response = app(method="POST", body=post_form({"page": "/lost"}))
    assert response.status == 503
    assert response.headers["retry-after"] == "5"
    assert response.json() == {"error": "database unavailable, try again later"}
    assert "POST not answered, database unavailable" in response.errors


def test_an_unreachable_server_answers_the_cgi_script_503():
    response = run_cgi(UNREACHABLE, "POST", body=b"page=/lost", env=FIXED_CLOCK_ENV, timeout=20)
    assert (response.status, response.headers["retry-after"]) == (503, "5")


def test_the_connection_is_made_again_after_the_server_dropped_it(pg_url):
    app = _app(pg_url)
    assert app(method="POST", body=post_form({"page": "/a"})).status == 200
    with psycopg.connect(pg_url, autocommit=True) as admin:  # as a server restart would
        admin.execute("""select pg_terminate_backend(pid) from pg_stat_activity
                          where datname = current_database() and pid != pg_backend_pid()""")
    first = app(method="POST", body=post_form({"page": "/b"}))
    second = app(method="POST", body=post_form({"page": "/c"}))
    assert (first.status, second.status) == (503, 200)
    assert app(query="from=2026-11-28").json()["totals"]["pageviews"] == 2


def test_a_lock_held_too_long_answers_503_and_keeps_stored_hits(pg_url, monkeypatch):
    app = _app(pg_url)
    assert app(method="POST", body=post_form({"page": "/kept"})).status == 200
    monkeypatch.setattr(postgres, "STATEMENT_TIMEOUT_MS", 300)
    blocker = psycopg.connect(pg_url, autocommit=True)
    blocker.execute("select pg_advisory_lock(hashtextextended(%s, 0))", (days.DAYS_LOCK,))
    try:
        response = _app(pg_url)(method="POST", body=post_form({"page": "/late"}))
    finally:
        blocker.close()
    assert response.status == 503
    assert response.headers["retry-after"] == "1"
    assert app(query="from=2026-11-28").json()["totals"]["pageviews"] == 1


def test_an_sqlite_install_never_imports_psycopg(tmp_path):
    program = (f"import sys; sys.path.insert(0, {os.path.dirname(CGI_SCRIPT)!r})\n"
               "from footfall.storage import database, record, days\n"
               f"database.connect({str(tmp_path / 'f.db')!r})\n"
               "print(sorted(m for m in sys.modules if m.startswith('psycopg')))\n")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            check=True)
    assert result.stdout == "[]\n"


def test_the_scan_of_the_clusters_files_would_see_an_address_that_was_written(pg_url):
    # tests/test_privacy.py scans the cluster's files: worth something only if it finds what is there.
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("create table leak (text_form text)")
        conn.execute("insert into leak values ('::ffff:203.0.113.77')")
        conn.execute("checkpoint")
    found = False
    for folder, _, names in os.walk(os.path.join(pg_testing.cluster().data, "pg_wal")):
        for name in names:
            with open(os.path.join(folder, name), "rb") as file:
                found = found or b"::ffff:203.0.113.77" in file.read()
    assert found


def _script(name, *argv, home):
    return subprocess.run([sys.executable, os.path.join(SCRIPTS, name), *argv],
                          capture_output=True, text=True, env=dict(os.environ, HOME=str(home)))


def test_setup_db_records_the_decision_and_keeps_the_url_out_of_the_config_file(pg_url, tmp_path):
    result = _script("setup_db.py", "--db", pg_url, "--public", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"(schema version {database.SCHEMA_VERSION})" in result.stdout
    assert not (tmp_path / "footfall" / "footfall.ini").exists()
    conn = database.connect(pg_url)
    assert rows(conn, "select value from meta where name = 'read_access'") == [("public",)]
    conn.close()


def test_backup_py_says_to_use_pg_dump(pg_url, tmp_path):
    result = _script("backup.py", str(tmp_path / "copy.db"), "--db", pg_url, home=tmp_path)
    assert (result.returncode, result.stderr) == (1, (
        "backup: backup.py copies SQLite files; back PostgreSQL up with pg_dump, leaving out "
        "the day's tables (docs/deploy.md)\n"))
    assert not (tmp_path / "copy.db").exists()


def _database_files(url):
    """The bytes of every file of the database (its tables and indexes), after a checkpoint."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("checkpoint")
        oid = conn.execute("select oid from pg_database where datname = current_database()"
                           ).fetchone()[0]
    folder = os.path.join(pg_testing.cluster().data, "base", str(oid))
    return b"".join(open(os.path.join(folder, name), "rb").read() for name in os.listdir(folder))


def test_an_ended_days_salt_is_left_in_no_file_of_the_database(pg_url, pg):
    # PostgreSQL has no secure_delete: the salt tables are rewritten when days end
    # (docs/privacy.md says where a salt may still be: unlinked files, WAL segments).
    salt, month_salt = b"\x5a\xa5" * 16, b"\x3c\xc3" * 16  # the month's outlives the day
    salts = iter([salt, month_salt])
    record.record_hit(pg, hit(), RULES, new_salt=lambda n: next(salts)[:n])
    assert salt in _database_files(pg_url)
    assert days.close_ended_days(pg, "2026-11-29") is True
    assert salt not in _database_files(pg_url)


def test_scripts_print_a_database_url_without_its_password(pg_url):
    # The private cluster trusts local connections, so any password is accepted: it must not
    # reach the terminal (or a cron mail) all the same.
    # Given as it must be: in FOOTFALL_DB, not on the command line (test_scripts.py).
    with_password = pg_url.replace("postgresql://footfall@", "postgresql://footfall:s3cret-pw@")
    result = subprocess.run([sys.executable, os.path.join(SCRIPTS, "seed_db.py"),
                             "--hits", "20", "--days", "2"],
                            env=dict(os.environ, FOOTFALL_DB=with_password),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "seeded 20 hits" in result.stdout
    assert pg_url.replace("postgresql://footfall@", "postgresql://footfall:***@") in result.stdout
    assert "s3cret-pw" not in result.stdout + result.stderr

"""Migrations: databases written by older footfall releases open in today's and keep every number.

tests/data/schema1.db and schema2.db were written by the code of schema 1 and 2 themselves (how: see
tests/data/README.md). Each test copies one into tmp_path, reads its rollups with plain SQL, lets
today's database.connect migrate it, and compares. Nothing here names a migration, so the tests keep
holding as migrations are added.
"""

import os
import shutil
import sqlite3

import pytest
from footfall.storage import database
from footfall_testing import visits  # noqa: E402

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")

# fixture, schema it was written with, and what the old code counted into it (all 21 days)
FIXTURES = [
    pytest.param("schema1.db", 1, 307, 800, id="schema1"),
    pytest.param("schema2.db", 2, 291, 800, id="schema2"),
]


def copy_fixture(name, tmp_path):
    path = str(tmp_path / name)
    shutil.copyfile(os.path.join(DATA, name), path)
    return path


def read_rollups(path):
    """Every rollup number, with plain SQL that knows no footfall code."""
    conn = sqlite3.connect(path)
    try:
        return {
            "daily_site": {(day, site): (visitors, pageviews) for day, site, visitors, pageviews
                           in conn.execute("select day, site, visitors, pageviews from daily_site")},
            "daily_page": {(day, site, page): (visitors, pageviews)
                           for day, site, page, visitors, pageviews in conn.execute(
                               "select day, site, page, visitors, pageviews from daily_page")},
            "daily_ref": {(day, site, ref): pageviews for day, site, ref, pageviews in conn.execute(
                "select day, site, ref, pageviews from daily_ref")},
        }
    finally:
        conn.close()


def migrate(path):
    database.connect(path).close()


def schema_of(path):
    """Tables (columns with type, not null, default and key; rowid or not; foreign keys), indexes
    with their columns, views and triggers: everything that makes two schemas the same."""
    conn = sqlite3.connect(path)
    try:
        objects = conn.execute(
            "select type, name, tbl_name, sql from sqlite_master where name not like 'sqlite_%'"
            " order by type, name").fetchall()
        schema = {}
        for kind, name, table, sql in objects:
            if kind == "table":
                schema[("table", name)] = {
                    "columns": conn.execute(f"pragma table_info({quote(name)})").fetchall(),
                    "without rowid": not _has_rowid(conn, name),
                    "foreign keys": conn.execute(f"pragma foreign_key_list({quote(name)})").fetchall(),
                    "indexes": sorted(
                        (_index_name(index_name, name), unique, origin, partial,
                         conn.execute(f"pragma index_info({quote(index_name)})").fetchall())
                        for _seq, index_name, unique, origin, partial
                        in conn.execute(f"pragma index_list({quote(name)})")),
                }
            elif kind in ("view", "trigger"):
                schema[(kind, name)] = (table, " ".join(sql.lower().split()))
        return schema
    finally:
        conn.close()


def quote(identifier):
    return '"' + identifier.replace('"', '""') + '"'


def _has_rowid(conn, table):
    try:
        conn.execute(f"select rowid from {quote(table)} limit 0")
    except sqlite3.OperationalError:
        return False
    return True


def _index_name(index, table):
    # An automatic index (primary key, unique) is named by SQLite, after the table's name when it
    # was created: a table rebuilt and renamed by a migration can keep the old name inside.
    return "automatic" if index.startswith("sqlite_autoindex_") else index


@pytest.mark.parametrize(("name", "version", "visitors", "pageviews"), FIXTURES)
def test_fixture_holds_data_of_its_old_schema(name, version, visitors, pageviews, tmp_path):
    path = copy_fixture(name, tmp_path)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("pragma user_version").fetchone()[0] == version
        assert conn.execute("select sum(visitors), sum(pageviews) from daily_site").fetchone() == (
            visitors, pageviews)
        # several sites, days, pages and referrers, so a migration that mixes keys shows
        assert conn.execute("select count(distinct site), count(distinct day) from daily_site"
                            ).fetchone() == (3, 21)
        assert conn.execute("select count(distinct page) from daily_page").fetchone()[0] == 9
        assert conn.execute("select count(distinct ref) from daily_ref").fetchone()[0] == 6
    finally:
        conn.close()
    assert version < database.SCHEMA_VERSION


@pytest.mark.parametrize(("name", "version", "visitors", "pageviews"), FIXTURES)
def test_migration_keeps_every_rollup_number(name, version, visitors, pageviews, tmp_path):
    path = copy_fixture(name, tmp_path)
    before = read_rollups(path)
    migrate(path)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("pragma user_version").fetchone()[0] == database.SCHEMA_VERSION
    finally:
        conn.close()
    after = read_rollups(path)
    for table in ("daily_site", "daily_page", "daily_ref"):
        assert after[table] == before[table], table
    assert sum(v for v, _ in after["daily_site"].values()) == visitors
    assert sum(p for _, p in after["daily_site"].values()) == pageviews


@pytest.mark.parametrize(("name", "version", "visitors", "pageviews"), FIXTURES)
def test_migrated_monthly_page_is_the_sum_of_its_days(name, version, visitors, pageviews, tmp_path):
    path = copy_fixture(name, tmp_path)
    migrate(path)
    conn = sqlite3.connect(path)
    try:
        months = {(month, site, page): (v, p) for month, site, page, v, p in conn.execute(
            "select month, site, page, visitors, pageviews from monthly_page")}
        days = {(month, site, page): (v, p) for month, site, page, v, p in conn.execute(
            "select substr(day, 1, 7), site, page, sum(visitors), sum(pageviews) from daily_page"
            " group by 1, 2, 3")}
    finally:
        conn.close()
    assert months == days
    assert {month for month, _, _ in months} == {"2026-10", "2026-11"}
    assert sum(p for _, p in months.values()) == pageviews


@pytest.mark.parametrize(("name", "version", "visitors", "pageviews"), FIXTURES)
def test_migrated_schema_equals_a_new_databases(name, version, visitors, pageviews, tmp_path):
    path = copy_fixture(name, tmp_path)
    migrate(path)
    fresh = str(tmp_path / "fresh.db")
    database.connect(fresh).close()
    assert schema_of(path) == schema_of(fresh)


def test_schema_comparison_sees_a_missing_index_and_a_changed_column(tmp_path):
    # The comparison above is only worth something if it can tell two schemas apart.
    fresh = str(tmp_path / "fresh.db")
    database.connect(fresh).close()
    reference = schema_of(fresh)
    conn = sqlite3.connect(fresh)
    index, table = conn.execute("select name, tbl_name from sqlite_master where type = 'index'"
                                " and name not like 'sqlite_%' order by name limit 1").fetchone()
    conn.execute(f"drop index {quote(index)}")
    conn.close()
    assert schema_of(fresh)[("table", table)] != reference[("table", table)]

    other = str(tmp_path / "other.db")
    database.connect(other).close()
    conn = sqlite3.connect(other)
    conn.execute("alter table daily_site add column extra integer not null default 0")
    conn.close()
    assert schema_of(other)[("table", "daily_site")] != reference[("table", "daily_site")]


@pytest.mark.parametrize(("name", "version", "visitors", "pageviews"), FIXTURES)
def test_migrated_database_answers_the_old_totals(name, version, visitors, pageviews, db_path, app):
    shutil.copyfile(os.path.join(DATA, name), db_path)
    response = app(query="from=2026-10-31&to=2026-11-20")
    assert response.status == 200, response.body
    assert visits(response.json()["totals"]) == {"visitors": visitors, "pageviews": pageviews}


# ---------------------------------------------------------------------------------------------
# schema17.db: the last footfall that kept a filter's lists of each day as rows (pairs) beside
# its records; its answers, given by that code, are in schema17-answers.json.
# ---------------------------------------------------------------------------------------------

TRAIT_LISTS = ("browsers", "systems", "devices", "countries", "languages")
PER_VIEW_LISTS = {"page": "pages", "ref": "referrers", "campaign": "campaigns"}


def answers_of_schema17(tmp_path, backend="sqlite"):
    """(the old code's answers, today's answers of a migrated copy) by query: of schema17.db,
    or of the PostgreSQL database the same old code made (schema17-postgres.sql, restored)."""
    import json
    import sys

    sys.path.insert(0, DATA)
    try:
        import answer_fixture
    finally:
        sys.path.remove(DATA)
    from footfall import settings
    from footfall.app import Application

    if backend == "sqlite":
        db, answers = copy_fixture("schema17.db", tmp_path), "schema17-answers.json"
    else:
        db, answers = backend, "schema17-postgres-answers.json"
        restore_postgres_fixture("schema17-postgres.sql", db)
    with open(os.path.join(DATA, answers), encoding="utf-8") as file:
        before = json.load(file)
    app = Application(settings.Config(db=db, timezone="UTC"), clock=lambda: answer_fixture.NOW)
    return before, {query: answer_fixture.get(app, query) for query in before}


def restore_postgres_fixture(name, url):
    """Load a pg_dump of tests/data into the empty database at url, with Debian's psql."""
    import subprocess

    import pg_testing

    psql = os.path.join(pg_testing.server_bin(), "psql")
    subprocess.run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", os.path.join(DATA, name),
                    url], check=True, capture_output=True, timeout=120)


@pytest.fixture(params=["sqlite", "postgresql"])
def schema17_backend(request):
    """Where the schema 17 fixture is restored: an SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield "sqlite"
        return
    yield request.getfixturevalue("pg_url")


def test_a_schema_17_database_answers_every_unfiltered_and_whole_month_question_as_before(
        tmp_path, schema17_backend):
    before, after = answers_of_schema17(tmp_path, schema17_backend)
    same = [query for query in before if "=" not in query.split("&")[-1]
            or "from=2026-11-05" not in query and "from=2026-11-10" not in query]
    assert len(same) > 20  # every unfiltered query, and every filter over whole months
    for query in same:
        totals = after[query]["totals"]
        if "listed" in totals:  # new: the visits the lists hold, without_language among them
            languages = sum(e["visitors"] for e in after[query]["languages"] if e["language"])
            assert totals.pop("without_language") == max(0, totals.pop("listed") - languages), query
            del before[query]["totals"]["without_language"]
        assert after[query] == before[query], query


def test_a_schema_17_database_keeps_each_filters_series_and_counts_its_lists_from_records(
        tmp_path, schema17_backend):
    """Days at a range's ends count a filter's lists from their records since schema 18: a
    visit whose mix of traits was held by fewer than 3 visits of its day gave up traits there
    (records.fold), so trait lists move visitors into "(other)" or lose them; the series, the
    totals and the per-view lists under a per-view filter stay as they were."""
    before, after = answers_of_schema17(tmp_path, schema17_backend)
    edges = [query for query in before if ("from=2026-11-05" in query or "from=2026-11-10" in query)
             and query.count("&") == 2]
    assert len(edges) == 16
    for query in edges:
        old, new = before[query], after[query]
        dim = query.rsplit("&", 1)[1].split("=")[0]
        assert (new["visitors"], new["pageviews"]) == (old["visitors"], old["pageviews"]), query
        lists_of = ("without_language", "listed")  # what the lists count, and a new field
        assert {k: v for k, v in new["totals"].items() if k not in lists_of} == \
            {k: v for k, v in old["totals"].items() if k not in lists_of}, query
        if dim in PER_VIEW_LISTS:
            for name in PER_VIEW_LISTS.values():
                assert new[name] == old[name], (query, name)
        for name in TRAIT_LISTS:
            kept = {tuple(e.items())[0][1]: e["visitors"] for e in old[name]}
            for entry in new[name]:
                value = tuple(entry.items())[0][1]
                if value != "(other)" and not (name[:-1] == dim or (name, dim) in (
                        ("systems", "os"), ("countries", "country"))):
                    assert entry["visitors"] <= kept.get(value, 0), (query, name, value)
        # The visits the lists hold, with a language or without: never more than the series.
        languages = sum(e["visitors"] for e in new["languages"])
        assert languages + new["totals"]["without_language"] <= new["totals"]["visitors"], query


# ---------------------------------------------------------------------------------------------
# schema19.db: the last footfall that kept each ended page's day as two rows of daily_breakdown
# beside its daily_page row; its answers, given by that code, are in schema19-answers.json.
# ---------------------------------------------------------------------------------------------

def test_a_schema_19_database_keeps_each_page_day_once_and_answers_every_question_as_before(
        tmp_path):
    import json
    import sys

    sys.path.insert(0, DATA)
    try:
        import answer_fixture
    finally:
        sys.path.remove(DATA)
    from footfall import settings
    from footfall.app import Application

    with open(os.path.join(DATA, "schema19-answers.json"), encoding="utf-8") as file:
        before = json.load(file)
    path = copy_fixture("schema19.db", tmp_path)
    hours = "select count(*) from daily_breakdown where filter = '' and dim = 'hours'"
    conn = sqlite3.connect(path)
    hours_before = conn.execute(hours).fetchone()[0]
    conn.close()
    app = Application(settings.Config(db=path, timezone="UTC"), clock=lambda: answer_fixture.NOW)
    after = {query: answer_fixture.get(app, query) for query in before}
    conn = sqlite3.connect(path)
    pages = conn.execute("select count(*) from daily_breakdown"
                         " where (filter = '' and dim = 'page') or filter = 'page'").fetchone()
    hours_after = conn.execute(hours).fetchone()[0]
    conn.close()
    assert pages == (0,)
    # A day's hours are read from hourly_site: the same counts as an 'hours' row, gone since 21.
    assert (hours_before > 0, hours_after) == (True, 0)
    assert len(before) == 45
    for query in before:
        # Since d7287f3 the totals under a trait filter also say how many visits the lists
        # hold (listed), and count without_language among those: set both aside here.
        old, new = before[query], after[query]
        listed, without = new["totals"].pop("listed", None), new["totals"].pop("without_language")
        assert without <= old["totals"].pop("without_language"), query
        assert after[query] == before[query], query
        if listed is not None:
            assert without <= listed < new["totals"]["visitors"], query

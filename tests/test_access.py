"""Who may read the stats (recorded in the database: storage's install facts, app's GET check),
and the test hit that runs the whole write path and stores nothing."""

import pytest
from footfall import settings
from footfall.app import Application
from footfall.storage import database, meta
from footfall_testing import call_app, post_form, visits


def make(config, clock):
    application = Application(config, clock)
    return lambda **kwargs: call_app(application, **kwargs)


def decide(db_path, decision):
    conn = database.connect(db_path)
    if decision == "public":
        meta.record_public(conn)
    elif decision is not None:
        meta.record_key(conn, decision)
    conn.close()


# recorded in the database, configured read_key, header sent -> status of GET
@pytest.mark.parametrize("recorded, configured, sent, status", [
    (None, "", None, 200),
    ("public", "", None, 200),
    ("db-key-1", "", None, 401),
    ("db-key-1", "", "wrong", 401),
    ("db-key-1", "", "db-key-1", 200),
    ("db-key-1", "", "", 401),
    ("public", "env-key", None, 401),
    ("public", "env-key", "env-key", 200),
    (None, "env-key", "env-key", 200),
    ("db-key-1", "env-key", "db-key-1", 401),
], ids=["no-decision-public-as-before", "recorded-public", "recorded-key-no-header",
        "recorded-key-wrong-header", "recorded-key-right-header", "recorded-key-empty-header",
        "configured-key-beats-recorded-public", "configured-key-opens",
        "configured-key-no-decision", "configured-key-decides-over-recorded"])
def test_get_answers_401_unless_public_or_the_key_is_sent(db_path, clock, recorded, configured,
                                                           sent, status):
    decide(db_path, recorded)
    app = make(settings.Config(db=db_path, read_key=configured), clock)
    headers = {} if sent is None else {"X-Footfall-Key": sent}
    response = app(headers=headers)
    assert response.status == status
    if status == 401:
        assert response.json() == {"error": "a read key is required (header X-Footfall-Key)"}


def test_the_database_keeps_a_salted_hash_never_the_key(db_path):
    decide(db_path, "the-read-key")
    conn = database.connect(db_path)
    stored = meta.read_access(conn)
    assert stored.startswith("sha256:") and "the-read-key" not in stored
    assert meta.key_matches(stored, "the-read-key")
    assert not meta.key_matches(stored, "the-read-kez")
    meta.record_key(conn, "the-read-key")
    assert meta.read_access(conn) != stored  # a fresh salt each time
    with open(db_path, "rb") as f:
        assert b"the-read-key" not in f.read()


@pytest.mark.parametrize("stored", ["md5:00:00", "sha256:zz:00", "garbage", ""],
                         ids=["unknown-scheme", "bad-salt", "no-fields", "empty"])
def test_a_stored_value_footfall_does_not_know_refuses_every_key(stored):
    assert meta.key_matches(stored, "anything") is False


@pytest.mark.parametrize("key", ["café", "tab\there", " padded", "line\nbreak"],
                         ids=["accented", "control", "leading-space", "newline"])
def test_a_read_key_that_is_not_printable_ascii_is_refused(key):
    with pytest.raises(settings.ConfigError, match="printable ASCII"):
        settings.Config(read_key=key)


TEST_HIT = {"page": "/doctor", "day": "2026-11-28", "counted": True, "test": True}
READ_BACK = dict(TEST_HIT, read_back=1)
# A test hit's pageviews are today's count of a page: read back only by who may read the stats.
NOT_READ_BACK = dict(TEST_HIT, not_read_back="the stats are private: a read key is required "
                                             "(header X-Footfall-Key)")


# recorded in the database, configured read_key, header sent -> the test hit's answer
@pytest.mark.parametrize("recorded, configured, sent, expected", [
    (None, "", None, READ_BACK),
    ("public", "", None, READ_BACK),
    ("db-key-1", "", None, NOT_READ_BACK),
    ("db-key-1", "", "wrong", NOT_READ_BACK),
    ("db-key-1", "", "db-key-1", READ_BACK),
    (None, "env-key", None, NOT_READ_BACK),
    (None, "env-key", "wrong", NOT_READ_BACK),
    (None, "env-key", "env-key", READ_BACK),
], ids=["no-decision-public", "recorded-public", "recorded-key-no-header",
        "recorded-key-wrong-header", "recorded-key-right-header", "configured-key-no-header",
        "configured-key-wrong-header", "configured-key-right-header"])
def test_a_test_hit_reads_back_only_where_its_request_may_read_the_stats(db_path, clock, recorded,
                                                                          configured, sent,
                                                                          expected):
    decide(db_path, recorded)
    app = make(settings.Config(db=db_path, read_key=configured), clock)
    headers = {"X-Footfall-Test": "doctor"}
    if sent is not None:
        headers["X-Footfall-Key"] = sent
    answer = app(method="POST", body=post_form({"page": "/doctor"}), headers=headers)
    assert answer.status == 200
    assert answer.json() == expected


def test_a_test_hit_is_never_stored(app):
    assert app(method="POST", body=post_form({"page": "/doctor"}),
               headers={"X-Footfall-Test": "doctor"}).json() == READ_BACK
    stats = app(query="from=2026-11-28").json()
    assert visits(stats["totals"]) == {"visitors": 0, "pageviews": 0}
    assert stats["pages"] == []


def test_a_test_hit_leaves_no_row_anywhere(db_path, clock):
    app = make(settings.Config(db=db_path), clock)
    app(method="POST", body=post_form({"page": "/doctor"}), headers={"X-Footfall-Test": "1"})
    conn = database.connect(db_path)
    for table in ("views", "salts", "daily_site", "hourly_site", "daily_page", "monthly_page",
                  "daily_ref"):
        assert conn.execute(f"select count(*) from {table}").fetchone() == (0,), table


def test_a_test_hit_by_a_bot_is_not_counted_like_any_bot(app):
    answer = app(method="POST", body=post_form({"page": "/"}),
                 headers={"X-Footfall-Test": "1", "User-Agent": "curl/8.5.0"})
    assert answer.json()["counted"] is False and answer.json()["reason"] == "bot"

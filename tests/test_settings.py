"""Settings: environment over config file over defaults, and every setting documented."""

import configparser
import os
import re

import pytest
from footfall import settings
from footfall_testing import ROOT
from hypothesis import given
from hypothesis import settings as run
from hypothesis import strategies as st


def test_defaults_apply_without_environment_or_file(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    config = settings.load_config({"HOME": str(tmp_path)})
    assert config.db == str(tmp_path / "footfall" / "footfall.db")
    assert config.flood_limit == 10
    assert config.max_body_bytes == 4096
    assert config.read_key == ""
    assert config.sites == ()
    assert config.zone is None


def test_default_database_is_outside_the_document_root_of_a_shared_host(monkeypatch):
    # A shared host serves /home/alice/public_html; the database must not be downloadable.
    # (No /home/alice/footfall/footfall.ini exists here, so only the defaults apply.)
    monkeypatch.setenv("HOME", "/home/alice")
    config = settings.load_config({"HOME": "/home/alice"})
    assert config.db == "/home/alice/footfall/footfall.db"


def test_config_file_is_read(tmp_path):
    path = tmp_path / "footfall.ini"
    path.write_text("[footfall]\ndb = /data/f.db\ntimezone = Europe/Berlin\nsites = a.com, B.org\n")
    config = settings.load_config({"FOOTFALL_CONFIG": str(path)})
    assert config.db == "/data/f.db"
    assert config.timezone == "Europe/Berlin"
    assert config.sites == ("a.com", "b.org")


def test_environment_wins_over_config_file(tmp_path):
    path = tmp_path / "footfall.ini"
    path.write_text("[footfall]\ndb = /data/f.db\nread_key = from-file\n")
    config = settings.load_config({"FOOTFALL_CONFIG": str(path), "FOOTFALL_DB": "/env.db",
                                   "FOOTFALL_READ_KEY": "from-env"})
    assert config.db == "/env.db"
    assert config.read_key == "from-env"


@pytest.mark.parametrize("environ, message", [
    ({"FOOTFALL_FLOOD_LIMIT": "ten"}, "flood_limit must be a whole number"),
    ({"FOOTFALL_MAX_BODY_BYTES": "0"}, "max_body_bytes must be at least 1"),
    ({"FOOTFALL_TIMEZONE": "Mars/Olympus"}, "timezone is not a known IANA zone"),
    ({"FOOTFALL_CONFIG": "/nonexistent/footfall.ini"}, "does not exist"),
    ({"FOOTFALL_DASHBOARD_ORIGINS": "stats.example.com"}, "dashboard_origins must list origins"),
    ({"FOOTFALL_DASHBOARD_ORIGINS": "https://example.com/view_stats.html"},
     "dashboard_origins must list origins"),
], ids=["not-a-number", "zero", "unknown-zone", "missing-named-file", "origin-without-scheme",
        "origin-with-path"])
def test_bad_setting_is_a_config_error_naming_it(environ, message):
    with pytest.raises(settings.ConfigError, match=message):
        settings.load_config(environ)


def test_unknown_setting_in_config_file_is_refused(tmp_path):
    path = tmp_path / "footfall.ini"
    path.write_text("[footfall]\ndatabase = /typo.db\n")
    with pytest.raises(settings.ConfigError, match="unknown settings: database"):
        settings.load_config({"FOOTFALL_CONFIG": str(path)})


def configparser_sections(text):
    """What configparser reads of an INI text, as settings.read_config_file takes it; None when
    it refuses the text."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    return {name: dict(parser.items(name)) for name in parser.sections()}


# Lines of INI files, the plain ones footfall writes and what people type by hand: comments,
# indents, continued values, [DEFAULT], names twice, a delimiter missing or doubled.
HEADERS = st.sampled_from(["[footfall]", "[other]", "[DEFAULT]", "[ footfall ]", "[]", "[a]b]",
                           "[footfall] trailing", "no header", ""])
BODY_LINES = st.sampled_from([
    "", "   ", "# a comment", "; a comment", "  # indented comment", "db = /data/f.db",
    "DB=/data/f.db", "db: /data/f.db", "db =", "timezone = Europe/Berlin", "sites = a.com, b.org",
    "read_key = k=v:w", "url: postgresql://u:p@h/db", "  continued value", "\tdb = tabbed",
    "  sites = indented", "\ttimezone: UTC", "no delimiter", "= no name", " = spaced",
    "Sites = A.com ; not a comment", "key:x = y",
])
SECTIONS = st.lists(st.tuples(HEADERS, st.lists(BODY_LINES, max_size=6)), max_size=4)


@run(max_examples=1000, deadline=None)
@given(SECTIONS, st.sampled_from(["\n", "\r\n"]))
def test_plain_ini_files_read_as_configparser_reads_them(sections, newline):
    # The hit path reads the config file without configparser (plain_ini_sections); what it
    # reads must be what configparser reads, and what it cannot read is left to configparser.
    lines = [line for header, body in sections for line in [header, *body]]
    text = newline.join(lines).replace("\r\n", "\n")  # open() in text mode makes them so
    plain = settings.plain_ini_sections(text)
    if plain is not None:
        assert plain == configparser_sections(text)


def test_the_files_setup_db_writes_and_the_docs_show_are_read_without_configparser():
    written = "[footfall]\ndb = /home/you/footfall/footfall.db\nread_key = s3cret\n"
    shown = ("# footfall's settings\n[footfall]\nsites = example.com, www.example.com\n"
             "timezone = Europe/Berlin\n\n[footfall-extra]\nnote = kept\n")
    for text in (written, shown):
        assert settings.plain_ini_sections(text) == configparser_sections(text) is not None


def test_a_config_file_plain_reading_leaves_to_configparser_is_read_or_refused_by_it(tmp_path):
    path = tmp_path / "footfall.ini"
    path.write_text("[footfall]\nsites = a.com,\n  b.org\n")  # a value continued
    assert settings.load_config({"FOOTFALL_CONFIG": str(path)}).sites == ("a.com", "b.org")
    path.write_text("[footfall]\ndb\n")
    with pytest.raises(settings.ConfigError, match="cannot read config file"):
        settings.load_config({"FOOTFALL_CONFIG": str(path)})


def test_configuration_doc_documents_every_setting():
    with open(os.path.join(ROOT, "docs", "configuration.md"), encoding="utf-8") as f:
        table = f.read()
    for setting in settings.SETTINGS:
        name, variable, default = setting.name, setting.variable, str(setting.default)
        row = re.search(rf"^\| `{name}` \| `{variable}` \| ([^|]*) \|", table, re.MULTILINE)
        assert row, f"docs/configuration.md's table lacks {name}"
        assert (default or "(empty)") in row.group(1), \
            f"docs/configuration.md gives the wrong default of {name}"

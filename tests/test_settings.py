"""Settings: environment over config file over defaults, and every setting documented."""

import os
import re

import pytest
from footfall import settings
from footfall_testing import ROOT


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


def test_configuration_doc_documents_every_setting():
    with open(os.path.join(ROOT, "docs", "configuration.md"), encoding="utf-8") as f:
        table = f.read()
    for setting in settings.SETTINGS:
        name, variable, default = setting.name, setting.variable, str(setting.default)
        row = re.search(rf"^\| `{name}` \| `{variable}` \| ([^|]*) \|", table, re.MULTILINE)
        assert row, f"docs/configuration.md's table lacks {name}"
        assert (default or "(empty)") in row.group(1), \
            f"docs/configuration.md gives the wrong default of {name}"

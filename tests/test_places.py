"""Country from the browser's time zone (else a CDN's country header), and the generated tz data."""

import os
import subprocess
import sys

import pytest
from footfall import places
from footfall_testing import ROOT

SCRIPT = os.path.join(ROOT, "scripts", "make_zone_countries.py")
DATA = os.path.join(ROOT, "cgi-bin", "footfall", "data")


@pytest.mark.parametrize("tz, header, country", [
    ("Europe/Zurich", "", "CH"),
    ("America/New_York", "", "US"),
    ("Asia/Kolkata", "", "IN"),
    ("Asia/Calcutta", "", "IN"),
    ("Europe/Kiev", "", "UA"),
    ("America/Buenos_Aires", "", "AR"),
    ("US/Pacific", "", "US"),
    ("Europe/Bratislava", "", "SK"),
    ("Europe/Mariehamn", "", "AX"),
    ("Iceland", "", "IS"),
    ("Atlantic/Jan_Mayen", "", "SJ"),
    ("Pacific/Truk", "", "FM"),
    ("Europe/Zurich", "DE", "CH"),
    (" Europe/Zurich ", "", "CH"),
    ("UTC", "DE", "DE"),
    ("Etc/GMT+5", "", ""),
    ("", "fr", "FR"),
    ("", " gb ", "GB"),
    ("Mars/Olympus_Mons", "NL", "NL"),
    ("europe/zurich", "", ""),
    ("", "XX", ""),
    ("", "T1", ""),
    ("", "USA", ""),
    ("", "1A", ""),
    ("", "É1", ""),
    ("", "", ""),
    ("Europe/Zurich\tCH\nX", "", ""),
    ("Africa/Abidjan\tCI", "", ""),
    ("Europe/" + "x" * 100, "", ""),
    ("#", "", ""),
], ids=["zurich", "new-york", "kolkata", "calcutta-old-name", "kiev-old-name", "buenos-aires-old-name",
        "us-pacific-old-name", "bratislava-own-row", "mariehamn-own-row", "iceland-not-ivory-coast",
        "jan-mayen-not-germany", "truk-not-papua", "zone-wins-over-header", "zone-padded",
        "utc-falls-back-to-header", "etc-zone-has-no-country", "header-lower-case", "header-padded",
        "unknown-zone-falls-back", "zone-case-matters", "header-unknown", "header-tor",
        "header-three-letters",
        "header-digit", "header-non-ascii", "nothing", "zone-with-tab-and-newline", "zone-with-tab",
        "zone-over-64", "comment-line"])
def test_country_comes_from_the_zone_else_the_header(tz, header, country):
    assert places.country_of(tz, header) == country


@pytest.mark.parametrize("code, name", [
    ("CH", "Switzerland"), ("DE", "Germany"), ("GB", "Britain (UK)"), ("US", "United States"),
    ("ZZ", "ZZ"), ("", ""),
], ids=["ch", "de", "gb", "us", "unknown-code-is-itself", "empty"])
def test_country_names_come_from_the_tz_data(code, name):
    assert places.country_name(code) == name


def test_every_country_a_zone_answers_has_a_name():
    with open(places.ZONES_FILE, encoding="utf-8") as f:
        codes = {line.split("\t")[1].strip() for line in f if not line.startswith("#")}
    names = places.country_names()
    assert len(names) == 249
    assert codes <= set(names)


def system_tzdata_version():
    try:
        with open("/usr/share/zoneinfo/tzdata.zi", encoding="utf-8") as f:
            return f.readline().split()[2]
    except (OSError, IndexError):
        return ""


@pytest.mark.skipif(system_tzdata_version() != "2025b", reason="the shipped files are from tz data 2025b")
def test_shipped_country_data_is_what_the_script_generates(tmp_path):
    result = subprocess.run([sys.executable, SCRIPT, "--out", str(tmp_path)],
                            capture_output=True, text=True, check=True)
    assert result.stdout == f"tz data 2025b: 542 zones, 249 country names, in {tmp_path}\n"
    for name in ("zone_countries.tsv", "country_names.tsv"):
        with open(os.path.join(DATA, name), encoding="utf-8") as shipped, \
                open(tmp_path / name, encoding="utf-8") as generated:
            assert shipped.read() == generated.read(), name


def test_data_readme_names_the_tz_version_and_licence():
    with open(os.path.join(DATA, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    with open(places.ZONES_FILE, encoding="utf-8") as f:
        header = f.readline()
    assert "IANA tz data 2025b" in header
    assert "**2025b**" in readme
    assert "public domain" in readme


def test_script_without_tz_data_says_so(tmp_path):
    result = subprocess.run([sys.executable, SCRIPT, "--zoneinfo", str(tmp_path), "--out", str(tmp_path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("make_zone_countries: cannot read the tz data: ")
    assert os.listdir(tmp_path) == []

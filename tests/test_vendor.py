"""static/vendor/ as shipped: every vendored file byte for byte what its npm package holds (the
sha256 pinned in scripts/fetch_vendor.py), and the dashboard's flot the build of its sources by
scripts/build_flot.py with the terser of scripts/flot-build/package-lock.json."""

import hashlib
import os
import shutil
import subprocess
import sys

import pytest
from footfall_testing import ROOT, SCRIPTS

sys.path.insert(0, SCRIPTS)
import build_flot  # noqa: E402
import fetch_vendor  # noqa: E402

VENDORED = [(dest, digest) for files in fetch_vendor.PACKAGES.values()
            for dest, digest in files.values()]


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


@pytest.mark.parametrize("dest, digest", VENDORED, ids=[dest for dest, _ in VENDORED])
def test_each_vendored_file_is_the_one_its_package_holds(dest, digest):
    assert sha256_of(os.path.join(ROOT, "static", "vendor", dest)) == digest


def test_the_dashboards_flot_is_the_pinned_build_of_the_pinned_sources():
    sources = build_flot.concatenated().encode()
    assert hashlib.sha256(sources).hexdigest() == build_flot.SOURCES_SHA256
    assert sha256_of(build_flot.BUILT) == build_flot.BUILT_SHA256
    with open(build_flot.BUILT, encoding="utf-8") as f:
        assert "MIT licence: LICENSE.txt beside this file" in f.readline()


def test_the_dashboards_flot_is_what_a_fresh_build_makes():
    if not os.path.exists(build_flot.TERSER):
        npm = shutil.which("npm")
        if not npm:
            pytest.fail("terser is not installed and npm is missing: npm ci --prefix scripts/flot-build")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--prefix",
                        os.path.join(ROOT, "scripts", "flot-build")], check=True)
    result = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "build_flot.py"),
                             "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_dashboard_loads_the_built_flot_and_not_the_whole_bundle():
    with open(os.path.join(ROOT, "static", "view_stats.html"), encoding="utf-8") as f:
        page = f.read()
    assert '<script src="vendor/flot-4.2.6/jquery.flot.dashboard.min.js" defer>' in page
    assert "vendor/flot-4.2.6/jquery.flot.js" not in page

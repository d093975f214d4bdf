"""The runtime runs on Python 3.9 and newer, with the standard library alone."""

import ast
import glob
import os
import subprocess
import sys

import pytest
from footfall_testing import CGI_SCRIPT, ROOT, parse_cgi_output, visits

RUNTIME = [p for d in ("cgi-bin", "scripts") for p in glob.glob(os.path.join(ROOT, d, "**", "*.py"),
                                                                 recursive=True)]


def test_vermin_finds_nothing_newer_than_python_3_9():
    vermin = os.path.join(os.path.dirname(sys.executable), "vermin")
    result = subprocess.run([vermin, "--no-tips", "--target=3.9-",
                             "--violations", "--eval-annotations", "--backport", "zoneinfo",
                             *RUNTIME], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# The one optional dependency, psycopg (pip install "footfall[postgres]"), and the one module that
# imports it, which only a postgresql:// FOOTFALL_DB loads (tests/test_postgres.py checks that).
OPTIONAL = {"psycopg": os.path.join("cgi-bin", "footfall", "storage", "postgres.py")}


@pytest.mark.parametrize("path", RUNTIME, ids=lambda p: os.path.relpath(p, ROOT))
def test_runtime_imports_only_the_standard_library(path):
    local = {"footfall", "stats", "seed_db", "setup_db", "serve", "benchmark", "make_access_log",
             "migrate_db"}
    local |= {name for name, where in OPTIONAL.items() if os.path.relpath(path, ROOT) == where}
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module.split(".")[0]]
        for name in names:
            assert name in sys.stdlib_module_names or name in local, f"{name} in {path}"
            assert name not in {"cgi", "cgitb"}, "removed in Python 3.13"


def other_interpreters():
    """Every CPython 3.9+ on this machine besides the one running the tests."""
    candidates = glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3"))
    candidates += glob.glob("/usr/bin/python3.[0-9]*")
    found = {}
    for path in candidates:
        if not os.access(path, os.X_OK) or path.endswith("-config"):
            continue
        version = subprocess.run([path, "-c", "import sys; print(sys.version_info[:2])"],
                                 capture_output=True, text=True, check=False).stdout.strip()
        if version and eval(version) >= (3, 9):
            found.setdefault(version, path)
    return sorted(found.values())


@pytest.mark.parametrize("python", other_interpreters() or [sys.executable])
def test_cgi_post_and_get_work_on_each_installed_python(python, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "REQUEST_METHOD": "POST", "CONTENT_LENGTH": "7",
           "HTTP_USER_AGENT": "Mozilla/5.0 Firefox/133.0", "REMOTE_ADDR": "192.0.2.1",
           "FOOTFALL_DB": str(tmp_path / "f.db"), "FOOTFALL_TIMEZONE": "Europe/Paris",
           "HOME": str(tmp_path), "SERVER_NAME": "localhost", "SERVER_PORT": "80",
           "SERVER_PROTOCOL": "HTTP/1.1"}
    posted = subprocess.run([python, CGI_SCRIPT], input=b"page=/a", env=env,
                            capture_output=True, check=False)
    assert parse_cgi_output(posted.stdout).json()["counted"] is True, posted.stderr
    env.update(REQUEST_METHOD="GET", CONTENT_LENGTH="")
    got = subprocess.run([python, CGI_SCRIPT], env=env, capture_output=True, check=False)
    assert visits(parse_cgi_output(got.stdout).json()["totals"]) == {"visitors": 1, "pageviews": 1}

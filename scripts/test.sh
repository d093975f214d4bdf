#!/usr/bin/env bash
# Runs every footfall test on a fresh machine: installs what the tests need (Debian's chromium,
# apache2, nginx, fcgiwrap, faketime, goaccess and postgresql, the dev tools from pyproject.toml
# into .venv, axe-core and the user-agent corpora from npm), then lints, runs Node's tests of the
# dashboard's modules and pytest. The tests start their own servers (footfall's serve.py, a
# private Apache, a private nginx with fcgiwrap, a private PostgreSQL cluster in a temporary
# directory); never the system services.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -x /usr/sbin/apache2 ] || need_apt+=(apache2)
[ -x /usr/sbin/nginx ] || need_apt+=(nginx)
[ -x /usr/sbin/fcgiwrap ] || need_apt+=(fcgiwrap)
# faketime: the dashboard's time zone test runs footfall at a moment Berlin and New York disagree.
command -v faketime >/dev/null 2>&1 || need_apt+=(faketime)
# The zone files: the time zone tests, and the server's zone a GET names (/usr/share/zoneinfo).
[ -e /usr/share/zoneinfo/UTC ] || need_apt+=(tzdata)
# GoAccess: tests/test_goaccess.py counts the same generated log with it and with footfall.
command -v goaccess >/dev/null 2>&1 || need_apt+=(goaccess)
# PostgreSQL's server binaries: the storage, contract and privacy tests run on both backends,
# PostgreSQL's on a private cluster (tests/pg_testing.py runs initdb and pg_ctl itself).
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "test.sh: installing ${need_apt[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    # Keep Debian from starting the system apache2/nginx/postgresql services on install: the tests
    # run their own, and two system services both wanting port 80 would fail the install. (The
    # postgresql package still makes its "main" cluster's files; nothing starts or uses it.)
    added_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        added_policy=1
    fi
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${need_apt[@]}" fonts-dejavu-core
    [ -z "$added_policy" ] || rm -f /usr/sbin/policy-rc.d
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q --group dev

# axe-core, pinned by tests/browser/package-lock.json: injected by the accessibility tests.
npm ci --no-audit --no-fund --silent --prefix tests/browser
# Real user-agent corpora (crawler-user-agents, user-agents), pinned by tests/corpora/package-lock.json:
# the bot and browser rules are checked against them.
npm ci --no-audit --no-fund --silent --prefix tests/corpora

# Installed above, so a missing server is a failure here, not a skipped test.
export FOOTFALL_REQUIRE_APACHE=1 FOOTFALL_REQUIRE_NGINX=1 FOOTFALL_REQUIRE_GOACCESS=1
# As root (CI), the servers run the CGI script as www-data, and the checks of that must run:
# a skipped one fails. Otherwise they are skipped, and pytest's summary says so.
if [ "$(id -u)" = 0 ]; then
    export FOOTFALL_REQUIRE_WWW_DATA=1
else
    echo "test.sh: not root: the checks that run the CGI script as www-data will be skipped (CI runs as root)"
fi

.venv/bin/ruff check .
# The dashboard's pure modules (static/dashboard/: formatters, view state, the table of lists),
# with Node's own test runner: no package to install.
node --test tests/js/
.venv/bin/python -m pytest "$@"

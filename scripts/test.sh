#!/usr/bin/env bash
# Runs every footfall test on a fresh machine: installs what the tests need (Debian's chromium
# and apache2, the dev tools from pyproject.toml into .venv, axe-core from npm), then lints and
# runs pytest. The tests start their own servers (footfall's serve.py, a private Apache).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -x /usr/sbin/apache2 ] || need_apt+=(apache2)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "test.sh: installing ${need_apt[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${need_apt[@]}" fonts-dejavu-core
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q --group dev

# axe-core, pinned by tests/browser/package-lock.json: injected by the accessibility tests.
npm ci --no-audit --no-fund --silent --prefix tests/browser

.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"

"""What the browser tests and tests/browser/screenshot.py share: where Chromium is, how it is
launched, and footfall started with scripts/serve.py over a temporary database."""

import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
STATIC = ROOT / "static"
SCRIPTS = ROOT / "scripts"
CHROMIUM = "/usr/bin/chromium"
# Chromium as root needs --no-sandbox; the rest keeps it from calling home during tests.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]
# The counting rules skip HeadlessChrome, so pages present themselves as desktop Chrome.
DESKTOP_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0.0.0 Safari/537.36")


class Site:
    """A running scripts/serve.py: the dashboard at /view_stats.html, the API at API_PATH."""

    API_PATH = "/cgi-bin/stats.py"

    def __init__(self, process, base, db):
        self.process = process
        self.base = base
        self.db = db
        self.api = base + self.API_PATH
        self.dashboard = base + "/view_stats.html"

    def get(self, headers=None, **query):
        """GET the API like a script would; returns (status, JSON)."""
        url = self.api + ("?" + urllib.parse.urlencode(query) if query else "")
        request = urllib.request.Request(url, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as exc:
            return exc.code, json.load(exc)

    def stats(self, **query):
        status, answer = self.get(**query)
        assert status == 200, answer
        return answer

    def post_hit(self, page, ref="", **fields):
        """POST a hit as desktop Chrome; fields adds site, w, tz, q, seconds..."""
        body = urllib.parse.urlencode({"page": page, "ref": ref, **fields}).encode()
        request = urllib.request.Request(self.api, data=body, headers={"User-Agent": DESKTOP_UA})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def stop(self):
        # serve.py runs in a session of its own: a wrapper such as faketime forks it rather than
        # becoming it, and stopping the wrapper alone would leave serve.py running.
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=10)


def _script_env(home):
    # A private HOME: the scripts must not read or write the real ~/footfall/footfall.ini.
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTFALL_")}
    env["HOME"] = str(home)
    return env


def start_site(tmp_path, seed=None, env=None, prefix=()):
    """Create a database (seeded or empty) in tmp_path and run serve.py over it; env is added to
    the environment of both scripts, prefix is a command that wraps serve.py (such as faketime).
    seed="demo": serve.py's own demo (seed_db.py --demo, with its notes)."""
    db = tmp_path / "footfall.db"
    run_env = _script_env(tmp_path)
    run_env.update(env or {})
    if seed is None:
        command = [SCRIPTS / "setup_db.py", "--public", "--db", db]
    elif seed == "demo":
        command = [SCRIPTS / "seed_db.py", "--db", db, "--demo", "--seed", "7", "--notes"]
    else:
        command = [SCRIPTS / "seed_db.py", "--db", db, "--hits", "1000", "--days", "90",
                   "--seed", seed]
    subprocess.run([sys.executable] + [str(c) for c in command], env=run_env, check=True,
                   capture_output=True)
    return serve(db, tmp_path, env, prefix=prefix)


def serve(db, tmp_path, env=None, port=0, prefix=(), scripts=SCRIPTS):
    """Run scripts/serve.py over db; port 0 lets it pick a free one. scripts: the scripts folder
    of another checkout (weigh.py --against)."""
    run_env = _script_env(tmp_path)
    run_env.update(env or {})
    log = open(tmp_path / "serve.log", "ab")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [*prefix, sys.executable, str(scripts / "serve.py"), "--port", str(port), "--db", str(db),
         "--quiet"],
        env=run_env, stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True)
    log.close()  # the child has its own copy
    for line in process.stdout:
        found = re.search(r"running at (http://\S+?)/?$", line.strip())
        if found:
            return Site(process, found.group(1), db)
    process.wait()
    raise RuntimeError("serve.py did not start:\n" + (tmp_path / "serve.log").read_text())

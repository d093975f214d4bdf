#!/usr/bin/env python3
"""Check a footfall install from the outside, as a careful admin would, and name each fix.

    FOOTFALL_READ_KEY=... python3 scripts/doctor.py https://example.com/cgi-bin/stats.py
    python3 scripts/doctor.py https://example.com/cgi-bin/stats.py --key-file ~/.footfall-key

Prints one line per check, ✓ or ✗ followed by the fix. Exit status 0 only if every check passes.
The read key comes from FOOTFALL_READ_KEY, a file (--key-file) or, in a terminal, a prompt:
never from the command line, where ps and the shell's history would show it. It is never printed.

Nothing the doctor does shows in your stats. Its requests name it in their User-Agent
(footfall-doctor/VERSION), which footfall and import_log.py count as a bot, so an imported
access log counts none of them as a page view or a broken link. Its one test hit needs a
browser's User-Agent (it checks that a browser's hit is counted), and carries the header
X-Footfall-Test: footfall runs every statement of counting it, reads it back inside the same
transaction and rolls it back; it is a POST, which an imported access log never counts.
Standard library only; run it from any machine.
"""

import argparse
import getpass
import http.client
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "cgi-bin"))
try:
    from footfall import __version__
except ImportError:  # doctor.py copied on its own
    __version__ = "unknown"

# Every probe's: a bot's by footfall's own rule (counting.is_bot), so a server's access log,
# once imported, counts none of them. Only the test hit sends BROWSER_UA.
DOCTOR_UA = f"footfall-doctor/{__version__} (checks a footfall install; scripts/doctor.py)"
BROWSER_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0.0.0 Safari/537.36")
TEST_PAGE = "/footfall-doctor"
SQLITE_MAGIC = b"SQLite format 3"
# Where a database, its -wal or a config file end up when copied into the web space by mistake.
LEAK_FOLDERS = ("", "/footfall", "/data", "/db", "/stats")
LEAK_NAMES = ("footfall.db", "footfall.db-wal", "footfall.db-shm", "footfall.ini")
DEPLOY_GUIDE = "docs/deploy.md"
# footfall's 500s are its database's: where the server was told it is, and who may write it.
# Without FOOTFALL_DB, footfall looks in the home folder of the user CGI runs as (www-data's
# /var/www/footfall), not in the site owner's where setup_db.py made it.
FIX_500 = ("the line starting 'footfall:' in the server's error log names the setting or path. "
           "A database in another user's home (/var/www/footfall/...): the server is not told "
           "where yours is: add  SetEnv FOOTFALL_DB /home/you/footfall/footfall.db  to the "
           ".htaccess beside stats.py or the server config (nginx: fastcgi_param FOOTFALL_DB "
           "...;). A database the web server cannot write: sudo python3 scripts/setup_db.py "
           "--db PATH --web-user www-data (docs/deploy.md)")


class Unreachable(Exception):
    """No HTTP answer at all: refused, unknown host, timeout."""


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def is_json(self):
        kind = self.headers.get("Content-Type", "")
        return kind.startswith("application/json") and isinstance(self.json(), dict)

    @property
    def is_html(self):
        return self.body.lstrip()[:1] == b"<"


class Doctor:
    def __init__(self, url, key, dashboard, site, timeout, ask_key):
        self.url = urllib.parse.urlsplit(url)
        self.key = key
        self.dashboard = dashboard or f"{self.url.scheme}://{self.url.netloc}/view_stats.html"
        self.site = site or self.url.hostname
        self.timeout = timeout
        self.ask_key = ask_key
        self.failures = 0

    # One request on a fresh connection; only the path and the headers differ.
    def request(self, method, path, body=None, headers=None, netloc=None, scheme=None):
        scheme = scheme or self.url.scheme
        cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        conn = cls(netloc or self.url.netloc, timeout=self.timeout)
        all_headers = {"User-Agent": DOCTOR_UA}
        all_headers.update(headers or {})
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            return Answer(response.status, response.headers, response.read())
        except (OSError, http.client.HTTPException) as exc:
            raise Unreachable(f"{scheme}://{netloc or self.url.netloc}: "
                              f"{getattr(exc, 'strerror', None) or exc}") from None
        finally:
            conn.close()

    def report(self, ok, text, fix=None):
        print(f"{'✓' if ok else '✗'} {text}")
        if not ok:
            self.failures += 1
            if fix:
                print(f"    fix: {fix}")
        return ok

    @property
    def script_path(self):
        return self.url.path or "/"

    @property
    def script_folder(self):
        return self.script_path.rsplit("/", 1)[0]

    def run(self):
        if not self.check_json():
            return 1  # nothing else can be judged when the script does not run
        self.check_key()
        self.check_hit()
        self.check_not_served()
        self.check_dashboard()
        print("all checks passed" if not self.failures else
              f"{self.failures} check{'s' if self.failures != 1 else ''} failed "
              f"(more in {DEPLOY_GUIDE}, section 7)")
        return 0 if not self.failures else 1

    # -- the script answers JSON, with the right headers --------------------------------------

    def check_json(self):
        answer = self.request("GET", self.script_path)
        head = answer.body[:400]
        if answer.status == 200 and (head.startswith(b"#!") or b"import " in head):
            return self.report(False, f"{self.url.geturl()} sends the script's source instead of "
                                      "running it",
                               "CGI is not enabled in that folder: upload footfall's .htaccess "
                               "beside stats.py (Options +ExecCGI, AddHandler cgi-script .py), or "
                               "put stats.py in your host's cgi-bin")
        if answer.status == 404:
            return self.report(False, f"nothing at {self.url.geturl()} (404)",
                               "check the address: where did you upload stats.py?")
        if not answer.is_json:
            return self.report(False, f"the script does not answer JSON (status {answer.status})",
                               "the server could not run it; its error log says why: "
                               "'Permission denied' -> chmod 755 stats.py; 'No such file or "
                               "directory' -> upload stats.py in binary mode and check the "
                               "python3 on its first line; 'SyntaxError' -> Python 3.9 or newer")
        error = answer.json().get("error", "")
        if answer.status == 500:
            return self.report(False, f"footfall runs but answers 500: {error}", FIX_500)
        self.report(True, f"the script answers JSON ({answer.status})")
        self.check_headers(answer, "GET")
        return True

    def check_headers(self, answer, method):
        wanted = {"Content-Type": "application/json; charset=utf-8",
                  "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
        wrong = [f"{name}: {answer.headers.get(name, '(missing)')}"
                 for name, value in wanted.items() if answer.headers.get(name) != value]
        if wrong:
            return self.report(False, f"the {method} answer's headers are not footfall's: "
                                      + "; ".join(wrong),
                               "something between footfall and the browser (a proxy, a cache "
                               "or 'Header' lines in the server config) rewrites them: it must "
                               "pass them on as they are")
        return self.report(True, f"the {method} answer's headers are right (JSON, no-store, "
                                 "nosniff)")

    # -- the read key ---------------------------------------------------------------------------

    def check_key(self):
        bare = self.request("GET", self.script_path)
        if bare.status == 200 and not self.key:
            return self.report(True, "stats are public: anyone can read the counts "
                                     "(setup_db.py --new-key makes them private)")
        if bare.status == 200:
            return self.report(False, "stats are readable WITHOUT the read key",
                               "the key is not recorded where the web server looks: run "
                               "python3 scripts/setup_db.py on the server (it records a hash of "
                               "the key in the database, which every web server user reads)")
        if bare.status != 401:
            return self.report(False, f"reading the stats answered {bare.status}: "
                                      f"{(bare.json() or {}).get('error', '')}",
                               "see the server's error log")
        self.report(True, "stats without the read key are refused (401)")
        if not self.key and self.ask_key:
            self.key = getpass.getpass("read key: ").strip()
        if not self.key:
            return self.report(False, "cannot check the stats themselves without the read key",
                               f"set {KEY_VARIABLE}, or pass --key-file FILE (a file holding "
                               "the key), or run the doctor in a terminal: it asks")
        keyed = self.request("GET", self.script_path, headers={"X-Footfall-Key": self.key})
        if keyed.status == 200 and keyed.is_json and "totals" in keyed.json():
            return self.report(True, "the read key opens the stats")
        return self.report(False, f"the read key was refused ({keyed.status})",
                           "check the key; lost it? python3 scripts/setup_db.py --new-key "
                           "prints a new one")

    # -- a test hit, counted, read back, rolled back --------------------------------------------

    def check_hit(self):
        body = urllib.parse.urlencode({"page": TEST_PAGE, "site": self.site})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Footfall-Test": "doctor",
                   "User-Agent": BROWSER_UA}
        if self.key:  # private stats read a test hit back only to the key
            headers["X-Footfall-Key"] = self.key
        answer = self.request("POST", self.script_path, body=body, headers=headers)
        data = answer.json() if answer.is_json else {}
        if answer.status != 200:
            fix = "see the server's error log"
            if answer.status == 500:
                fix = FIX_500
            elif answer.status == 503:
                fix = "the database stayed locked: is a backup or another tool holding it?"
            return self.report(False, f"the test hit answered {answer.status}: "
                                      f"{data.get('error', answer.body[:80])}", fix)
        self.check_headers(answer, "POST")
        if data.get("counted") is not True:
            reason = data.get("reason", "?")
            fix = {"site not allowed": f"pass --site with one of your allowed sites "
                                       f"(FOOTFALL_SITES); {self.site!r} is not one"}.get(
                reason, "see 'What is counted' in the README")
            return self.report(False, f"the test hit was not counted: {reason}", fix)
        if data.get("test") is not True:
            return self.report(False, f"the test hit was counted FOR REAL: this footfall is "
                                      f"older than the doctor ({TEST_PAGE} stays in your stats)",
                               "update cgi-bin/stats.py and cgi-bin/footfall/")
        if "not_read_back" in data:
            return self.report(True, "a test hit with a browser User-Agent is counted (not read "
                                     "back: the stats are private and no read key was given; "
                                     "then rolled back)")
        if not data.get("read_back"):
            return self.report(False, "the test hit was counted but did not read back",
                               "report this as a bug, with the server's error log")
        return self.report(True, "a test hit with a browser User-Agent is counted and reads back "
                                 "(then rolled back: your stats keep nothing of it)")

    # -- nothing but stats.py is served ---------------------------------------------------------

    def check_not_served(self):
        folder = self.script_folder
        paths = [f"{folder}/footfall/__init__.py", f"{folder}/footfall/app.py"]
        paths += [f"{place}/{name}" for place in dict.fromkeys(LEAK_FOLDERS + (folder,))
                  for name in LEAK_NAMES]
        served = []
        for path in paths:
            answer = self.request("GET", path)
            if answer.status == 200 and not answer.is_html:
                served.append(path)
        if served:
            self.report(False, "downloadable by anyone: " + ", ".join(served),
                        "keep the database and config file outside the web root (~/footfall); "
                        "upload footfall's .htaccess beside stats.py: it refuses footfall/, *.db, "
                        "*.db-wal and *.ini")
        else:
            self.report(True, f"the database, its -wal, the config file and the footfall/ package "
                              f"are not downloadable ({len(paths)} usual paths tried)")
        leaked = []
        for path in dict.fromkeys((f"{folder}/.htaccess", "/.htaccess")):
            answer = self.request("GET", path)
            if answer.status == 200 and not answer.is_html:
                leaked.append(path)
        if leaked:
            return self.report(False, f"{', '.join(leaked)} is served (a read key set in it is "
                                      "readable by anyone)",
                               "use footfall's current cgi-bin/.htaccess: it denies .ht* files "
                               "(<FilesMatch \"^\\.ht\"> Require all denied </FilesMatch>)")
        return self.report(True, ".htaccess is not served")

    # -- the dashboard --------------------------------------------------------------------------

    def check_dashboard(self):
        url = urllib.parse.urlsplit(self.dashboard)
        page = self.request("GET", url.path or "/", netloc=url.netloc, scheme=url.scheme)
        if page.status != 200 or b"dashboard/start.js" not in page.body:
            return self.report(False, f"the dashboard {self.dashboard} does not load "
                                      f"({page.status})",
                               "upload everything in footfall's static/ folder beside your pages "
                               "(view_stats.html, dashboard/, dashboard.css, vendor/), or pass "
                               "--dashboard with its address")
        # The dashboard is ES modules: a browser runs one only when it is served as JavaScript.
        script = urllib.parse.urljoin(url.path, "dashboard/main.js")
        js = self.request("GET", script, netloc=url.netloc, scheme=url.scheme)
        kind = js.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if js.status != 200:
            return self.report(False, f"the dashboard loads, but its dashboard/main.js answers "
                                      f"{js.status}",
                               "upload the dashboard/ folder, dashboard.css and vendor/ beside "
                               "view_stats.html")
        if kind not in ("text/javascript", "application/javascript"):
            return self.report(False, f"the dashboard's dashboard/main.js is served as "
                                      f"{kind or 'no type'}, and browsers run modules only when "
                                      "they are served as JavaScript",
                               "have the server send .js files as text/javascript (Apache: "
                               "AddType text/javascript .js)")
        return self.report(True, f"the dashboard loads ({self.dashboard})")


KEY_VARIABLE = "FOOTFALL_READ_KEY"
KEY_ON_COMMAND_LINE = (f"--key puts the read key in ps and your shell history: set {KEY_VARIABLE}, "
                       "or pass --key-file FILE (a file holding the key), or run the doctor in "
                       "a terminal: it asks")


def read_key(key_file, environ):
    """The read key from the file named, else the environment; "" when neither gives one."""
    if key_file:
        with open(key_file, encoding="utf-8") as f:
            return f.read().strip()
    return environ.get(KEY_VARIABLE, "").strip()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="address of your stats.py, e.g. "
                                    "https://example.com/cgi-bin/stats.py")
    parser.add_argument("--key-file", metavar="FILE",
                        help=f"a file holding your read key (default: {KEY_VARIABLE}, else "
                             "asked for in a terminal)")
    parser.add_argument("--key", help=argparse.SUPPRESS)  # refused: see KEY_ON_COMMAND_LINE
    parser.add_argument("--dashboard", metavar="URL",
                        help="address of view_stats.html (default: /view_stats.html on the "
                             "same host)")
    parser.add_argument("--site", help="site name for the test hit (default: the URL's host)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds per request")
    args = parser.parse_args(argv)
    if args.key is not None:
        parser.exit(2, f"doctor: {KEY_ON_COMMAND_LINE}\n")
    try:
        key = read_key(args.key_file, os.environ)
    except OSError as exc:
        parser.exit(2, f"doctor: cannot read the key file {args.key_file}: "
                       f"{exc.strerror or exc}\n")
    url = urllib.parse.urlsplit(args.url)
    if url.scheme not in ("http", "https") or not url.netloc:
        parser.error(f"not an http(s) address: {args.url!r}")
    try:
        sys.stdout.reconfigure(errors="replace")  # ✓ and ✗ on a terminal that lacks them
    except AttributeError:
        pass
    doctor = Doctor(args.url, key, args.dashboard, args.site, args.timeout,
                    ask_key=sys.stdin.isatty())
    try:
        return doctor.run()
    except Unreachable as exc:
        print(f"doctor: no answer from {exc}: is the web server running and the address right?",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""A private Apache serving footfall the way a shared host does, plus a small HTTP client.

Used by the session fixtures of tests/apache/ and tests/hostile/ (one instance serves both).
The site is deployed into a fresh temporary "home directory":

    <home>/public_html/            DocumentRoot: a copy of static/
    <home>/public_html/cgi-bin/    ScriptAlias /cgi-bin/: a copy of cgi-bin/ with its .htaccess
    <home>/footfall/footfall.db    the database, outside the document root, owned by the CGI user
    <home>/public_html/stats/      a second copy as on a host without ScriptAlias: a plain folder
                                   where the .htaccess alone makes stats.py run, and where it
                                   also sets a read key and its own database (private.db)

Why copies instead of pointing Apache at the checkout: Apache drops to www-data, which must be
able to traverse every parent directory of what it serves. A checkout under /root or a CI
runner's home (mode 700) is not reachable, and loosening its parents' modes would be a side
effect on the developer's machine. A copy with the documented modes (755 for directories and
scripts, 644 for the rest) also proves those modes are enough. The copy is made at session
start, so it always holds the code under test.
"""

import http.client
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TEMPLATE = os.path.join(HERE, "httpd.conf.in")
APACHE = "/usr/sbin/apache2"
CGI_USER = "www-data"
# The PATH Apache passes on to CGI scripts decides which python3 `#!/usr/bin/env python3` runs.
# The system's, as on a host: not a pyenv shim or a virtualenv from the developer's shell.
CGI_PATH = "/usr/local/bin:/usr/bin:/bin"

# The read key of the copy in public_html/stats/.
READ_KEY = "k3y-for-the-tests-0f1e2d3c"
# ...and the one site (with its subdomains) it counts.
ALLOWED_SITE = "allowed.example"
# ...and the origin of a dashboard elsewhere that may read it.
DASHBOARD_ORIGIN = "https://dashboard.example"

BROWSER_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0.0.0 Safari/537.36")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def render(template_text, values):
    """Fill @NAME@ placeholders; a placeholder left unfilled is a bug in the caller."""
    text = template_text
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise ValueError(f"unfilled placeholders in the Apache config template: {left}")
    return text


def _copy_tree(source, target):
    """Copy a directory with a host's modes: 755 directories and executables, 644 the rest."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for directory, _dirs, files in os.walk(target):
        os.chmod(directory, 0o755)
        for name in files:
            path = os.path.join(directory, name)
            executable = os.stat(path).st_mode & 0o100
            os.chmod(path, 0o755 if executable else 0o644)


class Apache:
    """One Apache process in the foreground, with its own config, logs and deployed site."""

    def __init__(self, dotfile_rule=True):
        # dotfile_rule False: a host without the distro's "deny .ht*" rule, where only
        # footfall's own .htaccess keeps itself from being served.
        self.dotfile_rule = dotfile_rule
        self.base = tempfile.mkdtemp(prefix="footfall-apache-")
        # mkdtemp makes it 700; www-data must be able to traverse it to reach the site.
        os.chmod(self.base, 0o755)
        self.server_root = os.path.join(self.base, "server")
        self.home = os.path.join(self.base, "home")
        self.docroot = os.path.join(self.home, "public_html")
        self.cgi_bin = os.path.join(self.docroot, "cgi-bin")
        self.db_dir = os.path.join(self.home, "footfall")
        self.db = os.path.join(self.db_dir, "footfall.db")
        self.plain_dir = os.path.join(self.docroot, "stats")
        self.private_db = os.path.join(self.db_dir, "private.db")
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def error_log(self):
        return os.path.join(self.server_root, "logs", "error.log")

    @property
    def access_log(self):
        """The access log in Apache's combined format, as import_log.py reads it."""
        return os.path.join(self.server_root, "logs", "access-combined.log")

    def stop_gracefully(self):
        """Stop Apache after every request it took is answered and logged (graceful-stop):
        its access log is then whole. Its files stay until stop()."""
        self.process.send_signal(signal.SIGWINCH)
        self.process.wait(timeout=60)

    def read_error_log(self):
        with open(self.error_log, encoding="utf-8", errors="replace") as f:
            return f.read()

    def deploy(self):
        for sub in ("logs", "run", "conf"):
            os.makedirs(os.path.join(self.server_root, sub))
        os.makedirs(self.home)
        os.chmod(self.home, 0o755)
        _copy_tree(os.path.join(ROOT, "static"), self.docroot)
        _copy_tree(os.path.join(ROOT, "cgi-bin"), self.cgi_bin)
        # The second copy: no ScriptAlias, settings by SetEnv in .htaccess, as docs/deploy.md shows.
        _copy_tree(os.path.join(ROOT, "cgi-bin"), self.plain_dir)
        with open(os.path.join(self.plain_dir, ".htaccess"), "a", encoding="utf-8") as f:
            f.write(f"\nSetEnv FOOTFALL_DB {self.private_db}\n"
                    f"SetEnv FOOTFALL_READ_KEY {READ_KEY}\n"
                    f"SetEnv FOOTFALL_SITES {ALLOWED_SITE}\n"
                    f"SetEnv FOOTFALL_DASHBOARD_ORIGINS {DASHBOARD_ORIGIN}\n"
                    "SetEnv FOOTFALL_BADGES on\n")
        # As docs/deploy.md says: precompile with the python the CGI scripts run, because the
        # CGI user cannot write __pycache__ into the site owner's folders, and would otherwise
        # compile the footfall package again on every hit.
        for folder in (self.cgi_bin, self.plain_dir):
            subprocess.run(["python3", "-m", "compileall", "-q", folder],
                           env={"PATH": CGI_PATH}, check=True)
        # The CGI user must be able to create the database and its -wal/-shm files beside it.
        os.makedirs(self.db_dir, mode=0o755)
        if self.as_root:
            user = pwd.getpwnam(CGI_USER)
            os.chown(self.db_dir, user.pw_uid, user.pw_gid)
        with open(TEMPLATE, encoding="utf-8") as f:
            template = f.read()
        user_group = f"User {CGI_USER}\nGroup {CGI_USER}" if self.as_root else ""
        if not self.dotfile_rule:
            template = re.sub(r'<FilesMatch "\^\\\.ht">.*?</FilesMatch>\n', "", template,
                              flags=re.S)
        config = render(template, {"SERVER_ROOT": self.server_root, "PORT": str(self.port),
                                   "HOME": self.home, "USER_GROUP": user_group})
        self.config = os.path.join(self.server_root, "conf", "httpd.conf")
        with open(self.config, "w", encoding="utf-8") as f:
            f.write(config)

    def start(self):
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self):
        self.deploy()
        env = {"PATH": CGI_PATH, "LANG": "C.UTF-8"}
        check = subprocess.run([APACHE, "-t", "-f", self.config], env=env, capture_output=True,
                               text=True, check=False)
        if check.returncode != 0:
            raise RuntimeError(f"Apache rejects its config:\n{check.stderr}")
        # In the foreground, Apache stays our child: stopping it cannot miss.
        # Its own process group, so that a hung Apache can be killed with all its children.
        self.process = subprocess.Popen([APACHE, "-f", self.config, "-DFOREGROUND"], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        start_new_session=True)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("Apache exited at start:\n"
                                   + self.process.stderr.read().decode("utf-8", "replace"))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("Apache did not start listening within 15 s")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            # SIGTERM stops Apache and its children (the cgid daemon and workers) at once.
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.process is not None:
            self.process.stderr.close()
        if not os.environ.get("FOOTFALL_KEEP_APACHE"):
            shutil.rmtree(self.base, ignore_errors=True)
        else:
            sys.stderr.write(f"footfall: kept the private Apache's files in {self.base}\n")

    def request(self, method, path, body=None, headers=None):
        return request(self.url, method, path, body, headers)


_shared = {"apache": None, "users": 0}


def acquire():
    """The session's Apache, started on first use; release() stops it after the last user."""
    if not os.path.exists(APACHE):
        return None
    if _shared["apache"] is None:
        _shared["apache"] = Apache().start()
    _shared["users"] += 1
    return _shared["apache"]


def release():
    _shared["users"] -= 1
    if _shared["users"] == 0 and _shared["apache"] is not None:
        _shared["apache"].stop()
        _shared["apache"] = None


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # an http.client.HTTPMessage: case-insensitive
        self.body = body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<Response {self.status} {self.body[:200]!r}>"


def request(base_url, method, path, body=None, headers=None, timeout=30):
    """One request on a fresh connection, as a browser's beacon would send it."""
    host = base_url.split("://", 1)[1]
    conn = http.client.HTTPConnection(host, timeout=timeout)
    try:
        all_headers = {"User-Agent": BROWSER_UA}
        if body is not None and isinstance(body, (bytes, str)):
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        all_headers.update(headers or {})
        conn.request(method, path, body=body, headers=all_headers)
        answer = conn.getresponse()
        return Response(answer.status, answer.headers, answer.read())
    finally:
        conn.close()


def raw_request(port, data, shutdown_write=False, timeout=20):
    """Send exact bytes on a socket and return what comes back: for requests http.client
    refuses to send (lying Content-Length, broken chunking)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        if shutdown_write:
            s.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def parse_raw_response(data):
    """Status, lower-cased headers and body of a raw HTTP/1.x response."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Response(status, headers, body)


@pytest.fixture(scope="session")
def apache():
    """The private Apache, for tests/apache/ and tests/hostile/ (their conftests import this)."""
    server = acquire()
    if server is None:
        # scripts/test.sh installs apache2 and sets FOOTFALL_REQUIRE_APACHE: there a missing
        # Apache is a failure, not a reason to quietly skip the deployment tests.
        message = f"{APACHE} is not installed (apt-get install apache2)"
        if os.environ.get("FOOTFALL_REQUIRE_APACHE"):
            pytest.fail(message)
        pytest.skip(message)
    yield server
    release()


def run_cgi(db, method="POST", body=b"", query="", headers=None, content_length=None,
            body_chunks=None, script=None, home=None):
    """Run cgi-bin/stats.py as Apache would: CGI variables in, body on stdin, as a child process.

    content_length overrides the CONTENT_LENGTH variable (None: the body's length, "" to leave
    it out, as for a chunked request); body_chunks (an iterable) streams a large body without
    holding it here. db None leaves FOOTFALL_DB out (the script then finds its database through
    HOME's ~/footfall). Returns the Response and the child's peak resident memory in KiB.
    """
    env = {"PATH": CGI_PATH, "LANG": "C.UTF-8", "GATEWAY_INTERFACE": "CGI/1.1",
           "SERVER_PROTOCOL": "HTTP/1.1", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
           "REQUEST_METHOD": method, "QUERY_STRING": query, "SCRIPT_NAME": "/cgi-bin/stats.py",
           "REMOTE_ADDR": "192.0.2.7", "HTTP_USER_AGENT": BROWSER_UA,
           "HOME": home or os.path.dirname(db)}
    if db is not None:
        env["FOOTFALL_DB"] = db
    length = str(len(body)) if content_length is None else content_length
    if length:
        env["CONTENT_LENGTH"] = length
        env["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
    for name, value in (headers or {}).items():
        env["HTTP_" + name.upper().replace("-", "_")] = value
    process = subprocess.Popen([script or os.path.join(ROOT, "cgi-bin", "stats.py")], env=env,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)

    def feed():
        try:
            for chunk in body_chunks if body_chunks is not None else [body]:
                process.stdin.write(chunk)
            process.stdin.close()
        except BrokenPipeError:
            pass  # the script stopped reading: what a bounded reader does

    feeder = threading.Thread(target=feed)
    feeder.start()
    stdout = process.stdout.read()
    stderr = process.stderr.read()
    _pid, _status, usage = os.wait4(process.pid, 0)
    process.returncode = 0
    feeder.join()
    head, _, payload = stdout.partition(b"\r\n\r\n")
    response_headers = {}
    for line in head.decode("latin-1").split("\r\n"):
        name, _, value = line.partition(":")
        response_headers[name.strip().lower()] = value.strip()
    status = int(response_headers.pop("status", "200").split()[0])
    response = Response(status, response_headers, payload)
    response.errors = stderr.decode("utf-8", "replace")
    return response, usage.ru_maxrss


if __name__ == "__main__":
    # By hand, e.g. for scripts/load.py: .venv/bin/python tests/apache/footfall_apache.py
    server = Apache().start()
    # Blocked (after Apache started: children inherit the mask), so that sigwait receives them
    # instead of a handler that would end Python without stopping Apache.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    print(f"footfall under a private Apache: {server.url}/cgi-bin/stats.py "
          f"(error log {server.error_log}); Ctrl-C stops it", flush=True)
    try:
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    finally:
        server.stop()

"""A private PostgreSQL cluster for the tests: initdb in a temporary directory, the server on a
free loopback port and its own socket directory, stopped and deleted at the end of the run.
Never the system service (Debian's postgresql package starts none here: scripts/test.sh
installs it with a policy-rc.d that forbids it).

initdb refuses to run as root, so as root (CI) the cluster belongs to the postgres user that
Debian's package made, and its commands run through runuser.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid

import pytest


class NoPostgres(Exception):
    """No PostgreSQL server binaries on this machine."""


def server_bin():
    """The directory of Debian's initdb and pg_ctl (the newest version installed)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda path: int(path.split("/")[4]))
    if not found:
        raise NoPostgres("Debian's postgresql is not installed (scripts/test.sh installs it)")
    return os.path.dirname(found[-1])


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """A running private cluster: url(name) is a database URL on it."""

    def __init__(self):
        self.bin = server_bin()
        self.root = tempfile.mkdtemp(prefix="footfall-pg-")
        self.data = os.path.join(self.root, "data")
        self.sockets = os.path.join(self.root, "run")
        self.log = os.path.join(self.root, "server.log")
        self.port = _free_port()
        os.makedirs(self.sockets)
        self.as_user = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.sockets, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *argv):
        subprocess.run(self.as_user + [os.path.join(self.bin, argv[0]), *argv[1:]], check=True,
                       capture_output=True, timeout=120)

    def start(self, durable=False):
        self._run("initdb", "-D", self.data, "-U", "footfall", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8" if _has_c_utf8() else "--no-locale")
        # Durability off: the tests' databases are thrown away, and fsync per commit would only
        # slow every test down. durable (the benchmark's): fsync on, and commits not waiting for
        # it, as SQLite's synchronous=NORMAL in WAL mode. max_connections: the two-instance
        # test opens about forty.
        safety = ("-c synchronous_commit=off" if durable else
                  "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        options = (f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 {safety} "
                   "-c max_connections=200 -c shared_buffers=128MB")
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "-o", options, "start")
        return self

    def stop(self):
        try:
            if os.path.exists(os.path.join(self.data, "postmaster.pid")):
                self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database="postgres"):
        return f"postgresql://footfall@127.0.0.1:{self.port}/{database}"

    def create_database(self):
        """A new, empty database: its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f"create database {name} template template0")
        return self.url(name)

    def drop_database(self, url):
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f"drop database if exists {name} with (force)")


def _has_c_utf8():
    return subprocess.run(["locale", "-a"], capture_output=True, text=True,
                          check=False).stdout.lower().count("c.utf8") > 0


_cluster = {}


def cluster():
    """The run's cluster, started on first use (a run of SQLite-only tests starts none), and
    stopped at the end of the run (conftest.py), or at the interpreter's exit if that is missed."""
    if "running" not in _cluster:
        import atexit

        _cluster["running"] = Cluster().start()
        atexit.register(stop_cluster)
    return _cluster["running"]


def stop_cluster():
    running = _cluster.pop("running", None)
    if running is not None:
        running.stop()


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database on the private cluster, dropped after the test."""
    running = cluster()
    url = running.create_database()
    yield url
    running.drop_database(url)

"""No raw IP address is ever written to disk, in any form: the bytes of the database, its -wal
and -shm, and a backup are scanned for each visitor's address as text, as IPv4-mapped IPv6 and
packed in 4 and 16 bytes. Pageviews and events both. With PostgreSQL: the database's files, the
write-ahead log, the cluster's shared files and the server's log."""

import ipaddress
import os
import sqlite3
import subprocess
import sys

import pg_testing
import pytest
from footfall_testing import FIXED_CLOCK_ENV, SCRIPTS, is_postgres, run_cgi

# Runs against SQLite and against PostgreSQL (conftest.py).
pytestmark = pytest.mark.both_backends

ADDRESSES = ["203.0.113.77", "198.51.100.4", "2001:db8::beef:7", "::ffff:192.0.2.201"]


def forms_of(address):
    """Every way an address could sit in a file: text (and its IPv4-mapped text), packed."""
    ip = ipaddress.ip_address(address)
    forms = {address.encode(), ip.packed, str(ip).encode(), ip.exploded.encode()}
    mapped = getattr(ip, "ipv4_mapped", None)
    if ip.version == 4:
        v6 = ipaddress.IPv6Address(f"::ffff:{address}")
        forms |= {f"::ffff:{address}".encode(), v6.packed, address.encode("utf-16-le")}
    elif mapped is not None:
        forms |= {str(mapped).encode(), mapped.packed}
    return forms


@pytest.fixture
def hit_by_everyone(db_path, tmp_path):
    """The CGI script counts hits of every address while a reader keeps -wal and -shm on disk
    (SQLite removes them when the last connection closes); then a backup is made."""
    db = db_path
    if is_postgres(db):
        return _postgres_files_after_hits()  # on a cluster of its own, not db_path's
    run_cgi(db, "POST", body=b"page=/first", env=FIXED_CLOCK_ENV)
    reader = sqlite3.connect(db)
    reader.execute("select count(*) from daily_site").fetchone()
    _hits_of_every_address(db)
    files = [db + suffix for suffix in ("", "-wal", "-shm")]
    assert all(os.path.exists(path) for path in files)
    contents = {path: open(path, "rb").read() for path in files}
    backup = str(tmp_path / "backup.db")
    subprocess.run([sys.executable, os.path.join(SCRIPTS, "backup.py"), backup, "--db", db],
                   check=True, capture_output=True)
    contents[backup] = open(backup, "rb").read()
    reader.close()
    return contents


def _hits_of_every_address(db):
    for i, address in enumerate(ADDRESSES * 3):
        answer = run_cgi(db, "POST", body=f"page=/p{i % 5}&ref=https://ref.example/".encode(),
                         env={"REMOTE_ADDR": address, **FIXED_CLOCK_ENV})
        assert answer.json()["counted"] is True
        event = run_cgi(db, "POST", body=f"page=/p{i % 5}&event=signup {i % 2}".encode(),
                        env={"REMOTE_ADDR": address, **FIXED_CLOCK_ENV})
        assert event.json()["counted"] is True


def _postgres_files_after_hits():
    """Every file of the test's database, the WAL, the shared catalog and the server log, after
    the CGI script counted hits of every address and a checkpoint wrote everything out.

    On a cluster of its own, started for the scan and stopped after it: the run's shared cluster
    holds what other tests wrote (tests/test_postgres.py writes an address into its WAL on
    purpose, to show the scan would find one), so a scan of it would depend on their order."""
    import psycopg

    cluster = pg_testing.Cluster().start()
    try:
        url = cluster.create_database()
        run_cgi(url, "POST", body=b"page=/first", env=FIXED_CLOCK_ENV)
        _hits_of_every_address(url)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("checkpoint")
            oid = conn.execute("select oid from pg_database where datname = current_database()"
                               ).fetchone()[0]
        places = [os.path.join(cluster.data, "base", str(oid)),
                  os.path.join(cluster.data, "pg_wal"), os.path.join(cluster.data, "global"),
                  cluster.log]
        contents = {}
        for place in places:
            paths = [place] if os.path.isfile(place) else [
                os.path.join(folder, name) for folder, _, names in os.walk(place) for name in names]
            for path in paths:
                with open(path, "rb") as file:
                    contents[path] = file.read()
    finally:
        cluster.stop()
    assert any(path.startswith(places[0]) for path in contents)
    return contents


@pytest.mark.parametrize("address", ADDRESSES)
def test_no_form_of_a_visitors_address_is_in_any_file(hit_by_everyone, address):
    for path, data in hit_by_everyone.items():
        for form in forms_of(address):
            assert form not in data, (path, form)


def test_the_scan_would_see_an_address_that_was_written(tmp_path):
    # The scan is only worth something if it finds what is there: write one form of each kind.
    path = tmp_path / "leak.db"
    conn = sqlite3.connect(path)
    conn.execute("create table leak (text_form text, packed blob)")
    conn.execute("insert into leak values (?, ?)",
                 ("::ffff:203.0.113.77", ipaddress.ip_address("2001:db8::beef:7").packed))
    conn.commit()
    conn.close()
    data = path.read_bytes()
    assert any(form in data for form in forms_of("203.0.113.77"))
    assert any(form in data for form in forms_of("2001:db8::beef:7"))

#!/usr/bin/env python3
"""The floor of one process per hit into SQLite, the baseline of a CGI POST: read the body, insert
one row into a WAL database with footfall's durability (synchronous=NORMAL), commit, answer.

Nothing a real counter could do without: scripts/bench.py runs it as a CGI script (body on
stdin, CONTENT_LENGTH, the database at FLOOR_DB, the hit's time in FLOOR_TS) beside stats.py.
"""

import os
import sqlite3
import sys

body = sys.stdin.buffer.read(int(os.environ.get("CONTENT_LENGTH") or 0))
conn = sqlite3.connect(os.environ["FLOOR_DB"], isolation_level=None)
conn.execute("pragma synchronous = normal")
conn.execute("insert into hits (ts, day, site, page, ref) values (?, date('now'), '', ?, '')",
             (float(os.environ.get("FLOOR_TS", "0")), body.decode()))
sys.stdout.write("Status: 200 OK\r\nContent-Type: application/json\r\n\r\n{}")

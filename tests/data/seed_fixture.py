"""Seed FOOTFALL_DB with demo hits by an OLD checkout's own seed_db.seed, its clock pinned.

Run from the root of that checkout (see README.md here): it imports that checkout's scripts/seed_db.py
and cgi-bin/footfall, so the rows are written by the code of that schema, not by today's.
"""

import sqlite3
import sys

sys.path[:0] = ["scripts", "cgi-bin"]

import seed_db  # noqa: E402
from footfall import settings, storage  # noqa: E402

NOW = 1795186800  # 2026-11-20 15:00:00 UTC: the same rows whenever this is run
SITES = (  # site, random seed, hits over the 21 days up to NOW
    ("example.com", 1, 400),
    ("blog.example.org", 2, 250),
    ("shop.example.net", 3, 150),
)

config = settings.load_config()
# storage.connect until schema 12; storage.database.connect after.
connect = getattr(storage, "connect", None)
if connect is None:
    from footfall.storage import database

    connect = database.connect
conn = connect(config.db)
for site, seed, hits in SITES:
    counted = seed_db.seed(conn, config, hits=hits, days=21, site=site, seed=seed, now=NOW)
    print(f"{site}: {hits} hits, {counted} counted")
conn.close()
if not config.db.startswith("postgresql://"):  # a PostgreSQL fixture is dumped by pg_dump
    sqlite3.connect(config.db, isolation_level=None).execute("vacuum")

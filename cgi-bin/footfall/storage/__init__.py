"""Storage: every SQL statement footfall runs, one module per job.

- ``database``: connections, the schema, migrations and write transactions.
- ``record``: the write path of one hit (what a POST runs).
- ``totals``: the read queries of the rollups (what a GET runs).
- ``bulk``: counting whole days at once (seeding, log imports); the hit path never imports it.

Only these modules write SQL. This file imports none of them, so a hit pays for what it uses.
"""

#!/usr/bin/env python3
"""The 2008 article's design, the baseline of a chart read: a table of (page, day, ip) rows,
SELECT DISTINCT of the range's days, then one COUNT(*) per day.

scripts/bench.py calls article_counts in a warm process, and runs this file as a CGI script
(QUERY_STRING from=...&to=..., the database at ARTICLE_DB) for the whole-process figure.
"""

import json
import os
import sqlite3
import sys


def article_counts(conn, first, last):
    days = [row[0] for row in conn.execute(
        "select distinct day from hits where day between ? and ? order by day", (first, last))]
    data = [[day, conn.execute("select count(*) from hits where day = ?", (day,)).fetchone()[0]]
            for day in days]
    return json.dumps({"data": data})


if __name__ == "__main__":
    query = dict(part.split("=", 1) for part in os.environ["QUERY_STRING"].split("&"))
    body = article_counts(sqlite3.connect(os.environ["ARTICLE_DB"]), query["from"], query["to"])
    sys.stdout.write("Content-Type: application/json\r\n\r\n" + body)

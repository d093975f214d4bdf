"""Write the answers an OLD checkout gives on a fixture database (tests/data/README.md), so a
test can check that today's code, after migrating a copy, answers the same.

Run from the root of that checkout, after seed_fixture.py: python3 answer_fixture.py DB OUT.
It answers on a copy of DB (a GET writes today's summary; a PostgreSQL DB in place, after its
dump), with the clock pinned at seed_fixture's NOW. The filters asked are each list's top value
in the unfiltered answer.
"""

import io
import json
import shutil
import sys
import tempfile
import wsgiref.util

sys.path[:0] = ["scripts", "cgi-bin"]

from footfall import settings  # noqa: E402
from footfall.app import Application  # noqa: E402

NOW = 1795186800  # seed_fixture.NOW: 2026-11-20 15:00:00 UTC
RANGES = ("", "from=2026-11-01&to=2026-11-20", "from=2026-11-05&to=2026-11-12",
          "from=2026-11-10&to=2026-11-10", "from=2026-10-31&to=2026-11-20&site=example.com")
LISTS = (("pages", "page"), ("referrers", "ref"), ("browsers", "browser"), ("systems", "os"),
         ("devices", "device"), ("countries", "country"), ("languages", "language"),
         ("campaigns", "campaign"))


def get(app, query):
    env = {"REQUEST_METHOD": "GET", "QUERY_STRING": query, "wsgi.input": io.BytesIO(b"")}
    wsgiref.util.setup_testing_defaults(env)
    got = {}
    body = b"".join(app(env, lambda status, headers, exc=None: got.update(status=status)))
    assert got["status"].startswith("200"), (query, got, body)
    return json.loads(body)


def main(db, out):
    with tempfile.TemporaryDirectory() as folder:
        # A PostgreSQL database is answered in place: it was dumped before (README.md here).
        copy = db if db.startswith("postgresql://") else shutil.copy(db, folder)
        app = Application(settings.Config(db=copy, timezone="UTC"), clock=lambda: NOW)
        whole = get(app, "")
        queries = list(RANGES)
        for list_name, dim in LISTS:
            if whole[list_name]:
                top = whole[list_name][0][dim]
                queries += [f"{r}&{dim}={top}".lstrip("&") for r in RANGES]
        answers = {query: get(app, query) for query in queries}
    with open(out, "w", encoding="utf-8") as file:
        json.dump(answers, file, indent=1, sort_keys=True)
    print(f"{len(answers)} answers written to {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

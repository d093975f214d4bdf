#!/usr/bin/env python3
"""Drive a footfall install with concurrent visitors and report what it took.

    python3 scripts/load.py --url http://127.0.0.1:8080/cgi-bin/stats.py --clients 32 --hits 3200

Each client is a distinct visitor (its own browser User-Agent; footfall does not trust
X-Forwarded-For) and posts hits to pages of its own, so the flood rule never applies. Every hit
is a test hit (header X-Footfall-Test, as scripts/doctor.py sends): footfall counts it in a real
write transaction, reads it back inside it and rolls it back, so the owner's stats keep none of
them. Every hit answered "counted" must have read back, and a GET afterwards must find none of
the run's site in the stats. Standard library only.

Prints hits per second, p50/p99 latency, the status counts, and the checks. Exit status 1 if any
answer was a 5xx, a counted hit did not read back, or a hit stayed in the stats.
"""

import argparse
import http.client
import json
import sys
import threading
import time
import urllib.parse
from collections import Counter


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000/cgi-bin/stats.py",
                        help="URL of stats.py (default: %(default)s, scripts/serve.py)")
    parser.add_argument("--clients", type=int, default=32,
                        help="concurrent visitors, one thread each (default: %(default)s)")
    parser.add_argument("--hits", type=int, default=3200,
                        help="hits in total, shared out among the clients (default: %(default)s)")
    parser.add_argument("--site", default=None,
                        help="site name the hits are for (default: one new per run)")
    parser.add_argument("--key", default="",
                        help="read key, if the install has one (for the final GET, and for the "
                             "hits to read back)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.hits < 1:
        parser.error("--clients and --hits must be at least 1")
    return args


def user_agent(client):
    # A current desktop Chrome, made distinct per client; nothing in it looks like a bot.
    return (f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/131.0.{client}.0 Safari/537.36")


class Run:
    def __init__(self, url, site, key=""):
        self.url = urllib.parse.urlsplit(url)
        self.site, self.key = site, key
        self.lock = threading.Lock()
        self.latencies = []
        self.statuses = Counter()
        self.counted = 0
        self.read_back = 0
        self.not_counted = Counter()
        self.failures = Counter()

    def connection(self):
        cls = (http.client.HTTPSConnection if self.url.scheme == "https"
               else http.client.HTTPConnection)
        return cls(self.url.netloc, timeout=60)

    def client(self, number, hits):
        # One keep-alive connection per client, reopened if the server closes it.
        conn = self.connection()
        headers = {"User-Agent": user_agent(number),
                   "Content-Type": "application/x-www-form-urlencoded",
                   "X-Footfall-Test": "load"}
        if self.key:  # private stats read a test hit back only to the key
            headers["X-Footfall-Key"] = self.key
        for i in range(hits):
            body = urllib.parse.urlencode({"page": f"/load/{number}/{i}", "site": self.site})
            started = time.perf_counter()
            try:
                conn.request("POST", self.url.path, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = self.connection()
                with self.lock:
                    self.failures[type(exc).__name__] += 1
                continue
            elapsed = time.perf_counter() - started
            answer = _json(payload) if status == 200 else {}
            with self.lock:
                self.latencies.append(elapsed)
                self.statuses[status] += 1
                if answer.get("counted") is True:
                    self.counted += 1
                    self.read_back += 1 if answer.get("read_back") else 0
                elif status == 200:
                    self.not_counted[answer.get("reason", "?")] += 1
        conn.close()

    def stored_pageviews(self, key):
        conn = self.connection()
        query = urllib.parse.urlencode({"site": self.site})
        headers = {"X-Footfall-Key": key} if key else {}
        conn.request("GET", f"{self.url.path}?{query}", headers=headers)
        response = conn.getresponse()
        payload = response.read()
        conn.close()
        if response.status != 200:
            raise SystemExit(f"GET for the totals answered {response.status}: {payload[:200]!r}")
        return json.loads(payload)["totals"]


def _json(payload):
    try:
        return json.loads(payload)
    except ValueError:
        return {}


def percentile(sorted_values, fraction):
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, int(round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def main(argv=None):
    args = parse_args(argv)
    site = args.site or f"load-{int(time.time())}.example"
    run = Run(args.url, site, args.key)
    try:  # one look first: a wrong address is one line, not a thread of failures per client
        probe = run.connection()
        probe.connect()
        probe.close()
    except OSError as exc:
        print(f"load.py: cannot connect to {run.url.netloc} "
              f"({getattr(exc, 'strerror', None) or exc}): is the server running, is --url "
              "right?", file=sys.stderr)
        return 1
    shares = [args.hits // args.clients + (1 if n < args.hits % args.clients else 0)
              for n in range(args.clients)]
    threads = [threading.Thread(target=run.client, args=(n, shares[n])) for n in range(args.clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    try:
        totals = run.stored_pageviews(args.key)
    except (OSError, http.client.HTTPException) as exc:
        print(f"load.py: the final GET failed: {exc}", file=sys.stderr)
        return 1
    latencies = sorted(run.latencies)
    report = {
        "url": args.url, "site": site, "clients": args.clients, "hits": args.hits,
        "seconds": round(seconds, 2),
        "hits_per_second": round(len(latencies) / seconds, 1) if seconds else None,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "statuses": {str(k): v for k, v in sorted(run.statuses.items())},
        "connection_errors": dict(run.failures),
        "counted": run.counted,
        "not_counted": dict(run.not_counted),
        "read_back": run.read_back,
        "left_in_stats": totals["pageviews"],
    }
    server_errors = sum(v for k, v in run.statuses.items() if k >= 500)
    report["ok"] = (server_errors == 0 and not run.failures
                    and run.read_back == run.counted and totals["pageviews"] == 0)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{report['hits']} hits from {args.clients} clients in {report['seconds']} s: "
              f"{report['hits_per_second']} hits/s, p50 {report['p50_ms']} ms, "
              f"p99 {report['p99_ms']} ms")
        print(f"statuses: {report['statuses']}  connection errors: {report['connection_errors']}")
        print(f"counted: {run.counted}  not counted: {report['not_counted']}  "
              f"read back: {run.read_back}  left in the stats: {totals['pageviews']}")
        print("OK: every counted hit read back, none stayed in the stats, no 5xx"
              if report["ok"] else "FAILED")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

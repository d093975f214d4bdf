#!/usr/bin/env python3
"""Drive a footfall install with concurrent visitors and report what it took.

    python3 scripts/load.py --url http://127.0.0.1:8080/cgi-bin/stats.py --clients 32 --hits 3200

Each client is a distinct visitor (its own browser User-Agent; footfall does not trust
X-Forwarded-For) and posts hits to pages of its own, so the flood rule never applies. All hits
go to one site name of the run's own, so the totals can be checked afterwards with a GET:
every hit answered "counted" must be in them. Standard library only.

Prints hits per second, p50/p99 latency, the status counts, and the check. Exit status 1 if any
answer was a 5xx or a counted hit is missing. Use it against a test install: it writes real hits.
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
                        help="read key, if the install has one (for the final GET)")
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
    def __init__(self, url, site):
        self.url = urllib.parse.urlsplit(url)
        self.site = site
        self.lock = threading.Lock()
        self.latencies = []
        self.statuses = Counter()
        self.counted = 0
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
                   "Content-Type": "application/x-www-form-urlencoded"}
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
    run = Run(args.url, site)
    shares = [args.hits // args.clients + (1 if n < args.hits % args.clients else 0)
              for n in range(args.clients)]
    threads = [threading.Thread(target=run.client, args=(n, shares[n])) for n in range(args.clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    totals = run.stored_pageviews(args.key)
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
        "stored_pageviews": totals["pageviews"],
        "stored_visitors": totals["visitors"],
    }
    server_errors = sum(v for k, v in run.statuses.items() if k >= 500)
    report["ok"] = (server_errors == 0 and not run.failures
                    and totals["pageviews"] == run.counted)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{report['hits']} hits from {args.clients} clients in {report['seconds']} s: "
              f"{report['hits_per_second']} hits/s, p50 {report['p50_ms']} ms, "
              f"p99 {report['p99_ms']} ms")
        print(f"statuses: {report['statuses']}  connection errors: {report['connection_errors']}")
        print(f"counted: {run.counted}  not counted: {report['not_counted']}  "
              f"stored: {totals['pageviews']} pageviews, {totals['visitors']} visitors")
        print("OK: every counted hit is stored, no 5xx" if report["ok"] else "FAILED")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

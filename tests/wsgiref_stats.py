"""cgi-bin/stats.py's application served through wsgiref.handlers.CGIHandler: the reference that
tests/test_cgi_runner.py holds footfall's own CGI runner to, byte for byte. Test-only."""

import os
import sys
from wsgiref.handlers import CGIHandler

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "cgi-bin"))

import stats  # noqa: E402

if __name__ == "__main__":
    CGIHandler().run(stats.application)

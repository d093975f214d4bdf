#!/usr/bin/env python3
"""footfall's entry point: the WSGI application, served as CGI when run as a script.

Copy this file and the footfall/ package beside it into cgi-bin/. Apache's mod_cgi runs it once
per request; any WSGI server (gunicorn, mod_wsgi, Passenger) can import ``application`` instead.
"""

import gc
import os
import sys

if __name__ == "__main__":
    # A CGI process answers one request and exits: the cycle collector would only walk the
    # objects its imports make, again and again (5 passes in a POST, about 0.33 ms of it,
    # measured alternated: docs/performance.md). Objects are still freed as their last
    # reference goes; what a cycle holds is freed when the process ends. A server that
    # imports this file (gunicorn, mod_wsgi) keeps its collector.
    gc.disable()

# The footfall package lives beside this file, which is not on sys.path when a server imports
# it by file name.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from footfall.app import Application  # noqa: E402

application = Application()

if __name__ == "__main__":
    # footfall's own CGI runner, not wsgiref.handlers.CGIHandler: it writes the same bytes
    # (tests/test_cgi_runner.py) without importing re, which costs a hit more than all of
    # footfall's code (docs/performance.md).
    from footfall.cgi_runner import run

    run(application)

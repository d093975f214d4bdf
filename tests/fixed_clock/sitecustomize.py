"""Pins the clock of a footfall process the tests start (the CGI script, the scripts), like
faketime does, with the standard library only.

Python imports sitecustomize at start-up from the first folder of PYTHONPATH that holds one; the
tests put this folder there and set FOOTFALL_TEST_NOW (Unix seconds). time.time() then starts at
that moment and runs at the real pace, so a test that checks "today" against what a process
counted cannot see the day change between the two at midnight. footfall reads the time through
time.time() only (app.make_application's clock, seed_db's now).
"""

import os
import time

_start = os.environ.get("FOOTFALL_TEST_NOW")
if _start:
    _real_time = time.time
    _offset = float(_start) - _real_time()

    def _pinned_time():
        return _real_time() + _offset

    time.time = _pinned_time

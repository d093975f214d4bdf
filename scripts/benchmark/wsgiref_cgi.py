#!/usr/bin/env python3
"""footfall's application as CGI the way stats.py ran it before issue 9: through
wsgiref.handlers.CGIHandler, with json imported. scripts/bench.py times it beside stats.py, so
what footfall's own runner and JSON writer save is measured in the same run.

    python3 wsgiref_cgi.py CGI_BIN    # CGI_BIN: the cgi-bin folder holding footfall/
"""

import json  # noqa: F401  (every answer was encoded with it then; now only GET's are)
import sys
from wsgiref.handlers import CGIHandler

if __name__ == "__main__":
    sys.path.insert(0, sys.argv[1])
    from footfall.app import Application

    CGIHandler().run(Application())

#!/usr/bin/env python3
"""Build the dashboard's flot, static/vendor/flot-4.2.6/jquery.flot.dashboard.min.js, from the
vendored sources of flot 4.2.6 (dev-only; the app never runs this).

flot's own bundle (vendor/flot-4.2.6/jquery.flot.js, kept as npm ships it) is already minified
and holds 17 plugins: 33.4 KB of the dashboard's gzipped weight. The dashboard uses flot's core
and two of them, time (the date axis) and hover (the tooltip), with their helpers. This
concatenates those sources, unmodified, in the order of flot's own build (its gulpfile), and
minifies them with terser, pinned in scripts/flot-build/package-lock.json:

    npm ci --prefix scripts/flot-build           # terser 5.51.4, once
    python3 scripts/build_flot.py              # write the file
    python3 scripts/build_flot.py --check      # exit 1 if it is not what the sources make

which runs, on the concatenated sources,

    node scripts/flot-build/node_modules/terser/bin/terser --ecma 2015 --compress --mangle
        --comments false

and puts a banner with flot's copyright and licence (vendor/flot-4.2.6/LICENSE.txt, beside
it) in front. The same sources and the same terser give the same bytes: tests/test_vendor.py
checks the shipped file against a fresh build and its sha256 against the one below.
"""

import argparse
import hashlib
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLOT = os.path.join(ROOT, "static", "vendor", "flot-4.2.6")
BUILT = os.path.join(FLOT, "jquery.flot.dashboard.min.js")
TERSER = os.path.join(ROOT, "scripts", "flot-build", "node_modules", "terser", "bin", "terser")
TERSER_ARGS = ["--ecma", "2015", "--compress", "--mangle", "--comments", "false"]

# flot's build order (its gulpfile.js), less the plugins the dashboard does not use: errorbars,
# logaxis, symbol, flatdata, navigate, fillbetween, stack, touchNavigate, axislabels,
# selection, composeImages and legend (the dashboard draws its own key). Nor touch: it makes
# gestures only for navigate's pan and zoom, which the dashboard leaves off (and without
# navigate it throws); a tap on a phone reaches hover as the mouse events browsers send.
SOURCES = (
    "jquery.canvaswrapper.js",
    "jquery.colorhelpers.js",
    "jquery.flot.js",
    "jquery.flot.saturated.js",
    "jquery.flot.browser.js",
    "jquery.flot.drawSeries.js",
    "jquery.flot.uiConstants.js",
    "jquery.flot.hover.js",
    "jquery.flot.time.js",
)

BANNER = (
    "/*! flot 4.2.6 (https://github.com/flot/flot), Copyright (c) 2007-2014 IOLA and Ole "
    "Laursen, MIT licence: LICENSE.txt beside this file.\n"
    " * The dashboard's part of it: " + ", ".join(SOURCES) + " of source/,\n"
    " * minified by scripts/build_flot.py (terser " + " ".join(TERSER_ARGS) + "). */\n"
)

# The concatenated sources (each also pinned in fetch_vendor.py) and what the pinned terser
# makes of them; tests/test_vendor.py checks both.
SOURCES_SHA256 = "c5e68ccf88d423ccbf20278c5a6818229eba9174d81941a959436551ee9c1e68"
BUILT_SHA256 = "ee4cb8b74105c636c2feb3008e9c5b3c7b28daf3950c4222be3eed43a7d6b495"


class BuildError(RuntimeError):
    """terser is missing or failed."""


def concatenated():
    """The sources one after another, as flot's gulp-concat joins them (a newline between)."""
    parts = []
    for name in SOURCES:
        with open(os.path.join(FLOT, "source", name), encoding="utf-8") as f:
            parts.append(f.read())
    return "\n".join(parts)


def build():
    """The bytes of the minified file: the banner, then terser's output of the sources."""
    if not os.path.exists(TERSER):
        raise BuildError("terser is not installed: npm ci --prefix scripts/flot-build")
    result = subprocess.run(["node", TERSER, *TERSER_ARGS], input=concatenated().encode(),
                            capture_output=True)
    if result.returncode != 0:
        raise BuildError("terser failed: " + result.stderr.decode(errors="replace"))
    return BANNER.encode() + result.stdout.rstrip(b"\n") + b"\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the shipped file is not what the sources make")
    args = parser.parse_args(argv)
    try:
        data = build()
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return 2
    digest = hashlib.sha256(data).hexdigest()
    if args.check:
        with open(BUILT, "rb") as f:
            current = f.read() == data
        print("jquery.flot.dashboard.min.js is current" if current
              else "jquery.flot.dashboard.min.js differs from a fresh build: run build_flot.py")
        return 0 if current else 1
    with open(BUILT, "wb") as f:
        f.write(data)
    print(f"{os.path.relpath(BUILT, ROOT)}: {len(data)} bytes, sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

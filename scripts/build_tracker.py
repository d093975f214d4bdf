#!/usr/bin/env python3
"""Build static/footfall.js, the tracker every page loads, from its readable source
static/footfall.src.js: comments and layout out, local names shortened, nothing else changed.

The source is written for this: every statement ends in a semicolon (no line break is
significant), no template literals, no `?:`. The local names in NAMES are shortened to a letter
(never a property after a dot nor an object's key before a colon, which the server reads), so
the shipped file is the source's code token for token, renamed; tests/test_tracker.py checks it
is current and within its size budget, and the browser tests run what is shipped.

    python3 scripts/build_tracker.py          # write static/footfall.js
    python3 scripts/build_tracker.py --check  # exit 1 if it is not current
"""

import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, "static", "footfall.src.js")
BUILT = os.path.join(ROOT, "static", "footfall.js")

_WORD = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")
# After one of these (or nothing), a slash begins a regular expression, not a division.
_BEFORE_REGEX = set("(,=:[!&|?{};")


# The source's local names and the letter each ships as (the IIFE's own parameters d, l, n and
# on, and the catch's e, are one letter already).
NAMES = {
    "data": "s", "endpoint": "u", "referrer": "r", "page": "p", "view": "v", "ms": "m",
    "since": "a", "sent": "t", "post": "b", "form": "f", "now": "x", "tick": "i", "send": "g",
    "event": "h", "name": "y", "push": "j", "args": "x",
}


class SourceError(ValueError):
    """The source holds something this builder does not handle (an unclosed string, a
    template literal)."""


def tokens(source):
    """The source as (kind, text): 'code', 'string', 'regex', 'space' or 'comment'."""
    i, n = 0, len(source)
    out = []
    while i < n:
        c = source[i]
        if source.startswith("//", i):
            end = source.find("\n", i)
            end = n if end < 0 else end
            out.append(("comment", source[i:end]))
            i = end
        elif source.startswith("/*", i):
            end = source.find("*/", i + 2)
            if end < 0:
                raise SourceError("unclosed comment")
            out.append(("comment", source[i:end + 2]))
            i = end + 2
        elif c in "'\"":
            end = _closing(source, i, c)
            out.append(("string", source[i:end]))
            i = end
        elif c == "`":
            raise SourceError("template literals are not handled")
        elif c == "/" and _starts_regex(out):
            end = _closing(source, i, "/")
            while end < n and source[end] in _WORD:  # its flags
                end += 1
            out.append(("regex", source[i:end]))
            i = end
        elif c in _WORD:
            end = i
            while end < n and source[end] in _WORD:
                end += 1
            out.append(("word", source[i:end]))
            i = end
        elif c.isspace():
            end = i
            while end < n and source[end].isspace():
                end += 1
            out.append(("space", source[i:end]))
            i = end
        else:
            out.append(("code", c))
            i += 1
    return out


def _closing(source, start, quote):
    """The index after the literal that begins at start with quote."""
    i = start + 1
    in_class = False
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if c == "\n":
            break
        if quote == "/" and c in "[]":
            in_class = c == "["
        elif c == quote and not in_class:
            return i + 1
        i += 1
    raise SourceError(f"unclosed literal at character {start}")


def _starts_regex(out):
    significant = [text for kind, text in out if kind not in ("space", "comment")]
    if not significant:
        return True
    last = significant[-1]
    word = "".join(significant[-6:])
    return last in _BEFORE_REGEX or word.endswith("return")


def build(source):
    """The shipped tracker: the source's code without comments and layout, its local names
    shortened. No banner: every byte is paid by every page view; the README says where the
    source is."""
    parts = []
    found = [token for token in tokens(source) if token[0] != "comment"]
    significant = [i for i, (kind, _text) in enumerate(found) if kind != "space"]
    for position, (kind, text) in enumerate(found):
        if kind == "space":
            parts.append(" ")
            continue
        if kind == "word" and text in NAMES:
            at = significant.index(position)
            before = "".join(found[i][1] for i in significant[max(at - 3, 0):at])
            after = found[significant[at + 1]][1] if at + 1 < len(significant) else ""
            # Not a property (o.page), but a spread (...view); not an object's key (page: p).
            if (not before.endswith(".") or before.endswith("...")) and after != ":":
                text = NAMES[text]
        parts.append(text)
    code = []
    for i, part in enumerate(parts):
        if part != " ":
            code.append(part)
            continue
        before = code[-1][-1:] if code else ""
        after = parts[i + 1][:1] if i + 1 < len(parts) else ""
        # A space stays only where dropping it would join two words (var x) or two signs
        # into another operator (a - -b).
        if (before in _WORD and after in _WORD) or (before + after in ("++", "--", "+-", "-+")):
            code.append(" ")
    # A semicolon before a closing brace is not needed, nor parentheses around an arrow
    # function's one parameter.
    built = "".join(code).strip().replace(";}", "}")
    for letter in set(NAMES.values()):
        built = built.replace(f"({letter})=>", f"{letter}=>")
    return built + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if static/footfall.js is not built from the current source")
    args = parser.parse_args(argv)
    with open(SOURCE, encoding="utf-8") as f:
        built = build(f.read())
    if args.check:
        with open(BUILT, encoding="utf-8") as f:
            if f.read() != built:
                print("build_tracker: static/footfall.js is not current; run "
                      "scripts/build_tracker.py", file=sys.stderr)
                return 1
        return 0
    with open(BUILT, "w", encoding="utf-8") as f:
        f.write(built)
    return 0


if __name__ == "__main__":
    sys.exit(main())

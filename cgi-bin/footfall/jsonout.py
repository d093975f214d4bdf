"""JSON of footfall's answers, exactly as ``json.dumps(payload, separators=(",", ":"),
ensure_ascii=False)`` writes it.

A POST's answer and every error are one flat object of a few strings and a flag: they are written
here, because importing json (and re, which json.decoder needs) would cost every CGI hit more than
the rest of footfall's imports together (docs/performance.md). Anything else, GET's lists of days,
goes through json, imported on first use. tests/test_jsonout.py checks both against json.dumps.
"""

# What json escapes in a string when ensure_ascii is off: the quote, the backslash and the
# control characters; everything else, non-ASCII and lone surrogates included, passes as it is.
_ESCAPES = {code: f"\\u{code:04x}" for code in range(0x20)}
_ESCAPES.update({ord('"'): '\\"', ord("\\"): "\\\\", ord("\n"): "\\n", ord("\r"): "\\r",
                 ord("\t"): "\\t", ord("\b"): "\\b", ord("\f"): "\\f"})


def encode(payload):
    """The JSON text of payload: by hand for a flat dict of str, int and bool, else by json."""
    if type(payload) is dict:
        parts = []
        for name, value in payload.items():
            if type(name) is not str:
                break
            scalar = _scalar(value)
            if scalar is None:
                break
            parts.append(f'"{name.translate(_ESCAPES)}":{scalar}')
        else:
            return "{" + ",".join(parts) + "}"
    import json

    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def _scalar(value):
    """A str, bool or int as JSON; None for anything else (json then writes it)."""
    kind = type(value)
    if kind is str:
        return f'"{value.translate(_ESCAPES)}"'
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    return None

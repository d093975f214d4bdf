"""Strict parsing of what a client sends: form bodies and query strings (request.py reads them).

Hand-written rather than urllib.parse for two reasons: invalid percent-encoding and invalid UTF-8
must be refused (a 400), not silently replaced; and the hit path of a CGI process should not pay
for importing what it does not need.
"""


class FormError(ValueError):
    """The data is not valid UTF-8 form data (application/x-www-form-urlencoded)."""


class BodyTooLarge(Exception):
    """The request body is bigger than the configured limit."""


_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")


def parse_form(data):
    """Decode urlencoded bytes into {name: value}; the first of repeated names wins."""
    fields = {}
    for part in data.split(b"&"):
        if not part:
            continue
        name, _, value = part.partition(b"=")
        fields.setdefault(_unquote(name), _unquote(value))
    return fields


def parse_query_string(query_string):
    """Decode a WSGI QUERY_STRING (a str of latin-1 code points, as PEP 3333 has it)."""
    try:
        data = query_string.encode("latin-1")
    except UnicodeEncodeError:
        raise FormError("query string is not valid form data") from None
    return parse_form(data)


def _unquote(raw):
    raw = raw.replace(b"+", b" ")
    if b"%" in raw:
        pieces = raw.split(b"%")
        decoded = bytearray(pieces[0])
        for piece in pieces[1:]:
            if len(piece) < 2 or piece[0] not in _HEX_DIGITS or piece[1] not in _HEX_DIGITS:
                raise FormError("invalid percent-encoding")
            decoded.append(int(piece[:2], 16))
            decoded += piece[2:]
        raw = bytes(decoded)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FormError("form data is not valid UTF-8") from None

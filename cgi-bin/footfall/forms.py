"""Strict, bounded parsing of what a client sends: request bodies and query strings.

Hand-written rather than urllib.parse for two reasons: invalid percent-encoding and invalid UTF-8
must be refused (a 400), not silently replaced; and the hit path of a CGI process should not pay
for importing what it does not need.
"""

# Bytes read from wsgi.input at a time, so a large body is never held in memory.
CHUNK_SIZE = 8192

# A body bigger than the limit is still read and thrown away, up to this many bytes: Apache's
# mod_cgid resets the connection when a CGI script exits with input unread, and the client would
# then never see the 413. Past this cap the client is not worth an answer.
DISCARD_CAP = 1024 * 1024


# Set in the WSGI environ once read_body has been called, so the body is never read twice and a
# request that failed before reading it (a config error) still has it drained.
BODY_READ = "footfall.body_read"


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


def read_query(environ):
    """A GET's query, parsed once where the request comes in: ({name: value}, None), or ({}, why
    it is not form data), so the request can still do what every request does before its 400."""
    try:
        return parse_query_string(environ.get("QUERY_STRING", "")), None
    except FormError as exc:
        return {}, str(exc)


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


def read_body(environ, limit):
    """Read the request body, at most limit bytes; BodyTooLarge (after draining it) if longer.

    Run as CGI (wsgi.run_once), a body without CONTENT_LENGTH (a chunked request) is read to its
    end; under a WSGI server only CONTENT_LENGTH bytes are read, as PEP 3333 asks.
    """
    stream = environ["wsgi.input"]
    environ[BODY_READ] = True
    length_header = environ.get("CONTENT_LENGTH", "").strip()
    if length_header:
        try:
            length = int(length_header)
        except ValueError:
            raise FormError("Content-Length is not a number") from None
        if length < 0:
            raise FormError("Content-Length is negative")
        if length > limit:
            _drain(stream, min(length, DISCARD_CAP))
            raise BodyTooLarge
        return _read_up_to(stream, length)
    if not environ.get("wsgi.run_once"):
        return b""
    body = _read_up_to(stream, limit + 1)
    if len(body) > limit:
        _drain(stream, DISCARD_CAP)
        raise BodyTooLarge
    return body


def discard_body(environ):
    """Read and drop a body nobody asked for (a GET, PUT or DELETE that sent one, or a POST that
    failed before its body was read): mod_cgid cuts the answer short when a CGI script exits
    with its input unread."""
    if environ.get(BODY_READ):
        return
    length_header = environ.get("CONTENT_LENGTH", "").strip()
    if length_header.isdigit():
        _drain(environ["wsgi.input"], min(int(length_header), DISCARD_CAP))


def _read_up_to(stream, size):
    chunks = []
    remaining = size
    while remaining > 0:
        chunk = stream.read(min(CHUNK_SIZE, remaining))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _drain(stream, size):
    remaining = size
    while remaining > 0:
        chunk = stream.read(min(CHUNK_SIZE, remaining))
        if not chunk:
            break
        remaining -= len(chunk)

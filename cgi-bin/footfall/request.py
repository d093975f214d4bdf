"""The request as footfall reads it, made once from the WSGI environ where it comes in (app.py).

Below the edge nothing reads the environ: counting, origins, access, events and images take a
Request or plain values. This module, app.py and cgi_runner.py are the only ones that read it
(tests/test_package_layout.py holds that promise). Reading the body is here too: bounded, and
drained when nobody asked for it (forms.py parses what is read).
"""

from . import forms

# Bytes read from wsgi.input at a time, so a large body is never held in memory.
CHUNK_SIZE = 8192

# A body bigger than the limit is still read and thrown away, up to this many bytes: Apache's
# mod_cgid resets the connection when a CGI script exits with input unread, and the client would
# then never see the 413. Past this cap the client is not worth an answer.
DISCARD_CAP = 1024 * 1024

# Set in the WSGI environ once read_body has been called, so the body is never read twice and a
# request that failed before reading it (a config error) still has it drained.
BODY_READ = "footfall.body_read"

# The headers by which a browser says it only prefetches or prerenders a page (Sec-Purpose is
# the standard one; Purpose, X-Moz and X-Purpose older ones).
_PURPOSE_HEADERS = ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_MOZ", "HTTP_X_PURPOSE")


class Request:
    """What footfall reads of one request; never changed once made (with_fields makes another).

    method: upper case. query: a GET's parsed query ({} for other methods), query_error: why it
    is not form data, or None. fields: the hit's fields (a POST's body, the pixel's query).
    address: the visitor's address (see client_ip). agent, origin, referer, host, language
    (Accept-Language), country (CF-IPCountry), purpose (the prefetch headers, joined): header
    values, '' when absent. test: whether X-Footfall-Test was sent. key: X-Footfall-Key.
    errors: the server's error log (wsgi.errors), or None.
    """

    __slots__ = ("method", "query", "query_error", "fields", "address", "agent", "origin",
                 "referer", "host", "language", "country", "purpose", "test", "key", "errors")

    def __init__(self, **values):
        for name in self.__slots__:
            object.__setattr__(self, name, values.pop(name))
        if values:
            raise TypeError(f"not a field of a Request: {', '.join(values)}")

    def __setattr__(self, name, value):
        raise AttributeError("a Request is not changed: with_fields makes another")

    def with_fields(self, fields):
        """The same request with these hit fields."""
        values = {name: getattr(self, name) for name in self.__slots__}
        values["fields"] = fields
        return Request(**values)

    def log(self, message):
        """Write one message to the server's error log."""
        if self.errors is not None:
            self.errors.write(message.rstrip("\n") + "\n")
            self.errors.flush()


def read_request(environ, client_ip_header=""):
    """The Request of a WSGI environ: its headers, and a GET's or HEAD's query parsed once.

    client_ip_header: the header a trusted proxy puts the visitor's address in (setting
    client_ip_header), '' for REMOTE_ADDR. The body is read apart (read_fields), only by a POST.
    """
    method = environ.get("REQUEST_METHOD", "GET").upper()
    query, query_error = {}, None
    if method in ("GET", "HEAD"):
        try:
            query = forms.parse_query_string(environ.get("QUERY_STRING", ""))
        except forms.FormError as exc:
            query_error = str(exc)
    return Request(
        method=method, query=query, query_error=query_error, fields={},
        address=client_ip(environ, client_ip_header),
        agent=environ.get("HTTP_USER_AGENT", ""),
        origin=environ.get("HTTP_ORIGIN", ""),
        referer=environ.get("HTTP_REFERER", ""),
        host=environ.get("HTTP_HOST", "") or environ.get("SERVER_NAME", ""),
        language=environ.get("HTTP_ACCEPT_LANGUAGE", ""),
        country=environ.get("HTTP_CF_IPCOUNTRY", ""),
        # The four headers as one, comma-separated as HTTP joins a header's values: "pre" in
        # one and "fetch" in the next say nothing.
        purpose=",".join(environ.get(name, "") for name in _PURPOSE_HEADERS),
        test="HTTP_X_FOOTFALL_TEST" in environ,
        key=environ.get("HTTP_X_FOOTFALL_KEY", ""),
        errors=environ.get("wsgi.errors"),
    )


def client_ip(environ, header):
    """The visitor's address: REMOTE_ADDR, or the last hop of a header a trusted proxy sets.

    Only the right-most address is the proxy's own observation; anything left of it is what the
    client claimed, so trusting it would let a script pose as any number of visitors.
    """
    if header:
        forwarded = environ.get("HTTP_" + header.upper().replace("-", "_"), "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return environ.get("REMOTE_ADDR", "")


# ---------------------------------------------------------------------------------------------
# The body
# ---------------------------------------------------------------------------------------------

def read_fields(environ, limit):
    """A POST's form fields, from a body of at most limit bytes: forms.BodyTooLarge or
    forms.FormError when it cannot be used."""
    return forms.parse_form(read_body(environ, limit))


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
            raise forms.FormError("Content-Length is not a number") from None
        if length < 0:
            raise forms.FormError("Content-Length is negative")
        if length > limit:
            _drain(stream, min(length, DISCARD_CAP))
            raise forms.BodyTooLarge
        return _read_up_to(stream, length)
    if not environ.get("wsgi.run_once"):
        return b""
    body = _read_up_to(stream, limit + 1)
    if len(body) > limit:
        _drain(stream, DISCARD_CAP)
        raise forms.BodyTooLarge
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

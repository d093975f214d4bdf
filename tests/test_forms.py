"""Parsing what clients send: strict UTF-8 form data, bounded body reads."""

import io

import pytest
from footfall import forms, request


@pytest.mark.parametrize("data, fields", [
    (b"page=%2Fabout&ref=", {"page": "/about", "ref": ""}),
    (b"page=/a+b", {"page": "/a b"}),
    (b"page=%E9%A1%B5", {"page": "页"}),
    (b"page=/first&page=/second", {"page": "/first"}),
    (b"&&page=/x&", {"page": "/x"}),
    (b"flag", {"flag": ""}),
    (b"", {}),
], ids=["basic", "plus-is-space", "utf8", "first-wins", "empty-parts", "no-equals", "empty"])
def test_form_data_is_decoded(data, fields):
    assert forms.parse_form(data) == fields


@pytest.mark.parametrize("data, message", [
    (b"page=%E9%A1", "not valid UTF-8"),
    (b"page=\xff\xfe", "not valid UTF-8"),
    (b"page=%zz", "invalid percent-encoding"),
    (b"page=%4", "invalid percent-encoding"),
    (b"page=%+1", "invalid percent-encoding"),
], ids=["truncated-utf8", "raw-invalid-bytes", "bad-hex", "short-escape", "sign-is-not-hex"])
def test_invalid_form_data_is_refused(data, message):
    with pytest.raises(forms.FormError, match=message):
        forms.parse_form(data)


def test_query_string_is_read_as_latin1_bytes_then_utf8():
    # A WSGI server hands over the raw bytes as latin-1 code points (PEP 3333).
    raw = "page=/页".encode().decode("latin-1")
    assert forms.parse_query_string(raw) == {"page": "/页"}


class CountingStream(io.BytesIO):
    def __init__(self, data):
        super().__init__(data)
        self.largest_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.largest_read = max(self.largest_read, len(chunk))
        return chunk


def test_body_within_the_limit_is_read_whole():
    environ = {"wsgi.input": io.BytesIO(b"page=/x"), "CONTENT_LENGTH": "7"}
    assert request.read_body(environ, 100) == b"page=/x"


def test_body_over_the_limit_is_drained_in_chunks_then_refused():
    stream = CountingStream(b"x" * 200_000)
    with pytest.raises(forms.BodyTooLarge):
        request.read_body({"wsgi.input": stream, "CONTENT_LENGTH": "200000"}, 4096)
    assert stream.tell() == 200_000  # all read, so the server can still send the answer
    assert stream.largest_read <= request.CHUNK_SIZE  # never held in memory at once


def test_drain_stops_at_the_hard_cap():
    stream = CountingStream(b"x" * (request.DISCARD_CAP + 50_000))
    environ = {"wsgi.input": stream, "CONTENT_LENGTH": str(request.DISCARD_CAP + 50_000)}
    with pytest.raises(forms.BodyTooLarge):
        request.read_body(environ, 4096)
    assert stream.tell() == request.DISCARD_CAP


def test_cgi_body_without_content_length_is_read_to_its_end():
    environ = {"wsgi.input": io.BytesIO(b"page=/chunked"), "wsgi.run_once": True}
    assert request.read_body(environ, 100) == b"page=/chunked"


def test_cgi_body_without_content_length_over_the_limit_is_refused():
    environ = {"wsgi.input": io.BytesIO(b"x" * 5000), "wsgi.run_once": True}
    with pytest.raises(forms.BodyTooLarge):
        request.read_body(environ, 4096)


def test_wsgi_server_body_without_content_length_is_not_read():
    # Under a long-running server, reading past Content-Length would block on the socket.
    environ = {"wsgi.input": io.BytesIO(b"page=/x"), "wsgi.run_once": False}
    assert request.read_body(environ, 100) == b""


@pytest.mark.parametrize("length", ["abc", "-5"])
def test_malformed_content_length_is_refused(length):
    with pytest.raises(forms.FormError, match="Content-Length"):
        request.read_body({"wsgi.input": io.BytesIO(b""), "CONTENT_LENGTH": length}, 100)

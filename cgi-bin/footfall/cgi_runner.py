"""Run a WSGI application once as a CGI script: the environment in, the answer on stdout.

It writes what ``wsgiref.handlers.CGIHandler().run(application)`` writes, byte for byte
(tests/test_cgi_runner.py runs both on every request of the HTTP contract), without its imports:
wsgiref.headers compiles a regular expression at import, which pulls in re and with it enum,
several milliseconds of every CGI hit (docs/performance.md). The answer is small, so it is
buffered and written in one go.
"""

import os
import sys

# The CGI variables that carry the request: wsgiref's handlers._needs_transcode, kept equal.
_REQUEST_VARIABLES = frozenset((
    "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "REQUEST_METHOD", "AUTH_TYPE", "CONTENT_TYPE",
    "CONTENT_LENGTH", "HTTPS", "REMOTE_USER", "REMOTE_IDENT"))

# What CGIHandler answers when the application raises (footfall's catches its own errors).
ERROR_STATUS = "500 Internal Server Error"
ERROR_HEADERS = [("Content-Type", "text/plain")]
ERROR_BODY = b"A server error occurred.  Please contact the administrator."


def run(application, os_environ=None, stdin=None, stdout=None, stderr=None):
    """Serve one request from the process's environment and streams (or the ones given)."""
    environ = read_environ(os.environ if os_environ is None else os_environ)
    stdin = sys.stdin.buffer if stdin is None else stdin
    stdout = sys.stdout.buffer if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    environ.update({
        "wsgi.input": stdin, "wsgi.errors": stderr, "wsgi.version": (1, 0),
        "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": True,
        "wsgi.url_scheme": "https" if environ.get("HTTPS") in ("yes", "on", "1") else "http",
    })
    try:
        status, headers, chunks, length_known = _call(application, environ)
    except Exception:
        import traceback  # only for a crash: footfall's application answers its own errors

        traceback.print_exc(file=stderr)
        stderr.flush()
        status, headers, chunks, length_known = ERROR_STATUS, ERROR_HEADERS, [ERROR_BODY], True
    body = b"".join(chunks)
    # CGIHandler's rule: a missing Content-Length is added when the length is known, that is
    # when the application returned a list of one block, or nothing at all.
    if (not chunks or length_known) and not any(name.lower() == "content-length"
                                                for name, _ in headers):
        headers = headers + [("Content-Length", str(len(body)))]
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    stdout.write(f"Status: {status}\r\n{head}\r\n".encode("iso-8859-1") + body)
    stdout.flush()


def read_environ(os_environ):
    """The WSGI environ of a CGI process, as wsgiref.handlers.read_environ builds it on POSIX.

    The request's variables go back to the bytes the server sent, as latin-1 code points
    (PEP 3333), so a query string with UTF-8 in it decodes as the client meant; the others
    (paths, settings) stay as the process read them.
    """
    encoding = sys.getfilesystemencoding()
    environ = {}
    for name, value in os_environ.items():
        if _needs_transcode(name):
            value = value.encode(encoding, "surrogateescape").decode("iso-8859-1")
        environ[name] = value
    return environ


def _needs_transcode(name):
    return (name in _REQUEST_VARIABLES or name.startswith("HTTP_") or name.startswith("SSL_")
            or (name.startswith("REDIRECT_") and _needs_transcode(name[9:])))


def _call(application, environ):
    """status, headers, the blocks of the body, and whether wsgiref would know its length."""
    answer = []
    chunks = []
    written = []  # blocks passed to the write() callable that start_response returns

    def start_response(status, headers, exc_info=None):
        if exc_info and answer and (chunks or written):
            raise exc_info[1].with_traceback(exc_info[2])  # too late to change the answer
        answer[:] = [status, list(headers)]
        return written.append

    result = application(environ, start_response)
    try:
        blocks = len(result)
    except TypeError:  # a generator: its length is known only at its end
        blocks = None
    try:
        chunks = written + list(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    if not answer:
        raise RuntimeError("the application returned without calling start_response")
    # wsgiref sends the headers at the first block, and counts the result's blocks then: a list
    # of one, unless write() came first.
    length_known = not written and blocks == 1
    return answer[0], answer[1], chunks, length_known

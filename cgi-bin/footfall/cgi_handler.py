"""Run the WSGI application once as a CGI script: the environment in, the answer on stdout.

What wsgiref.handlers.CGIHandler does for footfall, in a few lines and without its imports:
wsgiref.headers compiles a regular expression at import, so it pulls in re, enum and functools,
about a quarter of what a CGI hit costs above the floor of one Python process writing to SQLite
(docs/performance.md). The answer is buffered (it is small) and written in one go.
"""

import os
import sys


def run(application):
    # Like wsgiref's read_environ: CGI variables back to the bytes the server sent, as latin-1
    # code points (PEP 3333), so a query string with UTF-8 in it decodes as the client meant.
    encoding = sys.getfilesystemencoding()
    environ = {name: value.encode(encoding, "surrogateescape").decode("iso-8859-1")
               for name, value in os.environ.items()}
    https = environ.get("HTTPS", "off").lower() in ("on", "1", "yes")
    environ.update({
        "wsgi.input": sys.stdin.buffer, "wsgi.errors": sys.stderr, "wsgi.version": (1, 0),
        "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": True,
        "wsgi.url_scheme": "https" if https else "http",
    })
    answer = []
    chunks = []

    def start_response(status, headers, exc_info=None):
        answer[:] = [status, headers]
        return chunks.append

    try:
        result = application(environ, start_response)
        try:
            chunks.extend(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers = answer
    except Exception:
        import traceback  # only for a crash: the app answers its own errors

        traceback.print_exc()
        status, headers, chunks = "500 Internal Server Error", [("Content-Type", "text/plain")], \
            [b"internal error\n"]
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    out = sys.stdout.buffer
    out.write(f"Status: {status}\r\n{head}\r\n".encode("latin-1") + b"".join(chunks))
    out.flush()

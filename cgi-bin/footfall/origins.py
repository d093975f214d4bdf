"""Who and where a request is from: the visitor's address, the site a hit names and whether it is
allowed, and which dashboards on other origins may read the answers (CORS).
"""

from . import counting

# ---------------------------------------------------------------------------------------------
# Dashboards on other origins (CORS)
# ---------------------------------------------------------------------------------------------

def dashboard_cors(environ, config, method):
    """Let a dashboard served from an origin listed in dashboard_origins read GET answers.

    Errors included: a dashboard that cannot read a 401 cannot ask for the read key. POST has
    its own rule (the tracked sites), so it gets nothing here.
    """
    origin = environ.get("HTTP_ORIGIN", "")
    if (method in ("GET", "HEAD", "OPTIONS") and origin
            and origin.lower() in config.dashboard_origins):
        return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
    return []


def preflight(cors, allowed_methods):
    """OPTIONS: the methods answered here and, for an allowed dashboard, the CORS preflight.

    The dashboard sends X-Footfall-Key, which no simple request may carry: the browser asks
    first. To any other origin no Access-Control header is given, so the browser refuses.
    """
    headers = [("Allow", allowed_methods)]
    if cors:
        headers += [("Access-Control-Allow-Methods", "GET, HEAD"),
                    ("Access-Control-Allow-Headers", "X-Footfall-Key"),
                    ("Access-Control-Max-Age", "600")]
    return headers


# ---------------------------------------------------------------------------------------------
# Who and where a hit is from
# ---------------------------------------------------------------------------------------------

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


def site_of(environ, fields):
    """The site a hit belongs to: the site field, else the host of Origin or Referer, else ours."""
    if fields.get("site", "").strip():
        return counting.normalize_site(fields["site"])
    for header in ("HTTP_ORIGIN", "HTTP_REFERER"):
        host = counting.host_of(environ.get(header, ""))
        if host:
            return counting.normalize_site(host)
    return counting.normalize_site(environ.get("HTTP_HOST", "") or environ.get("SERVER_NAME", ""))


def sites_allowed(environ, site, allowed):
    """Every origin a hit names (site field, Origin, Referer) must be an allowed site."""
    if not allowed:
        return True
    hosts = {site}
    for header in ("HTTP_ORIGIN", "HTTP_REFERER"):
        host = counting.host_of(environ.get(header, ""))
        if host:
            hosts.add(host)
    return all(counting.site_allowed(host, allowed) for host in hosts)

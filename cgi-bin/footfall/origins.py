"""Where a request is from: the site a hit names and whether it is allowed, and which dashboards
on other origins may read the answers (CORS). The visitor's address is read in request.py.
"""

from . import counting

# ---------------------------------------------------------------------------------------------
# Dashboards on other origins (CORS)
# ---------------------------------------------------------------------------------------------

def dashboard_cors(origin, config, method):
    """Let a dashboard served from an origin listed in dashboard_origins read GET answers.

    Errors included: a dashboard that cannot read a 401 cannot ask for the read key. POST has
    its own rule (the tracked sites), so it gets nothing here.
    """
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

def site_of(request):
    """The site a hit belongs to: the site field, else the host of Origin or Referer, else ours."""
    if request.fields.get("site", "").strip():
        return counting.normalize_site(request.fields["site"])
    for url in (request.origin, request.referer):
        host = counting.host_of(url)
        if host:
            return counting.normalize_site(host)
    return counting.normalize_site(request.host)


def sites_allowed(request, site, allowed):
    """Every origin a hit names (site field, Origin, Referer) must be an allowed site."""
    if not allowed:
        return True
    hosts = {site}
    for url in (request.origin, request.referer):
        host = counting.host_of(url)
        if host:
            hosts.add(host)
    return all(counting.site_allowed(host, allowed) for host in hosts)

/* footfall dashboard: a classic script that sends the first view's GET and imports main.js at
 * once. It is async: the modules (view_stats.html's modulepreload links ask for each) and the
 * GET load while jQuery and flot (deferred) still do, and main.js waits for the page and for
 * them (dom.js). A browser loads no module into a page opened as a file, so then this says what
 * to do. */
(function () {
  "use strict";

  // An async script can run before the body is parsed.
  function whenParsed(then) {
    if (document.readyState !== "loading") then();
    else document.addEventListener("DOMContentLoaded", then);
  }

  function fail(message) {
    whenParsed(function () {
      document.getElementById("error-text").textContent = message;
      document.getElementById("error-box").hidden = false;
      document.getElementById("status").hidden = true;
      document.getElementById("retry").hidden = true;
      document.getElementById("main").setAttribute("aria-busy", "false");
    });
  }

  // The first view's GET, sent now rather than once every module has loaded and run: api.js
  // takes it if main.js's first GET is to that very address with the same key, and otherwise
  // asks itself. Only for a plain range of days (a link with a filter, a site, ?api= or #key=
  // waits for main.js). A guess at state.js's firstDay and api.js's apiAddress, which decide:
  // tests/browser/test_dashboard_loading.py checks that each range's guess is taken.
  var DAYS = { today: 1, "7d": 7, "30d": 30, "90d": 90 };

  function sendFirstGet() {
    var params = new URLSearchParams(location.search);
    var range = params.get("range") || "30d";
    var plain = Array.from(params.keys()).every(function (name) { return name === "range"; });
    if (!DAYS[range] || !plain || /^#key=/.test(location.hash) || !document.body) return;
    var now = new Date();
    var first = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) -
      (DAYS[range] - 1) * 86400000;
    var url = new URL(document.body.getAttribute("data-api") || "/cgi-bin/stats.py",
      location.href);
    url.searchParams.set("from", new Date(first).toISOString().slice(0, 10));
    var key = "";
    try {
      key = localStorage.getItem("footfall_read_key") || "";
    } catch (e) {
      // storage disabled: no key
    }
    var headers = { Accept: "application/json" };
    if (key) headers["X-Footfall-Key"] = key;
    var response = fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin" });
    response.catch(function () {}); // a failure is api.js's to report, or nobody's if unused
    window.footfallDashboard = { firstGet: { url: url.href, key: key, response: response } };
  }

  // Opened from disk, the page has no stats API to ask (and browsers block it anyway).
  if (location.protocol === "file:") {
    fail("This page was opened as a file. Open it through a web server: from your " +
      "site (https://your.site/view_stats.html) or, locally, with python3 scripts/serve.py.");
    return;
  }
  try {
    sendFirstGet();
  } catch (e) {
    // a data-api that is no URL: main.js says so
  }
  import("./main.js").catch(function (error) {
    fail("The dashboard's scripts could not be loaded: " + error.message);
  });
})();

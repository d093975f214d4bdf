/* footfall dashboard: a classic script that imports main.js at once. It is async: the modules
 * and the first GET load while jQuery and flot (deferred) still do, and main.js waits for the
 * page and for them (dom.js). A browser loads no module into a page opened as a file, so then
 * this says what to do. */
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

  // Every module asked for at once: imported one by one, main.js's imports are found only once
  // it has arrived and columns.js once dimensions.js has, three round trips one after another.
  // tests/browser/test_dashboard_loading.py checks the list against the folder.
  var MODULES = ["main.js", "api.js", "chart.js", "columns.js", "dimensions.js", "dom.js",
    "format.js", "lists.js", "state.js", "totals.js"];

  function preloadModules(here) {
    MODULES.forEach(function (name) {
      var link = document.createElement("link");
      link.rel = "modulepreload";
      link.href = new URL(name, here).href;
      document.head.appendChild(link);
    });
  }

  // Opened from disk, the page has no stats API to ask (and browsers block it anyway).
  if (location.protocol === "file:") {
    fail("This page was opened as a file. Open it through a web server: from your " +
      "site (https://your.site/view_stats.html) or, locally, with python3 scripts/serve.py.");
    return;
  }
  preloadModules(document.currentScript.src);
  import("./main.js").catch(function (error) {
    fail("The dashboard's scripts could not be loaded: " + error.message);
  });
})();

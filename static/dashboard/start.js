/* footfall dashboard: a classic script, run after jQuery and flot, that imports main.js: a
 * browser loads no module into a page opened as a file, so then this says what to do. */
(function () {
  "use strict";

  function fail(message) {
    document.getElementById("error-text").textContent = message;
    document.getElementById("error-box").hidden = false;
    document.getElementById("status").hidden = true;
    document.getElementById("retry").hidden = true;
    document.getElementById("main").setAttribute("aria-busy", "false");
  }

  // Opened from disk, the page has no stats API to ask (and browsers block it anyway).
  if (location.protocol === "file:") {
    fail("This page was opened as a file. Open it through a web server: from your " +
      "site (https://your.site/view_stats.html) or, locally, with python3 scripts/serve.py.");
    return;
  }
  import("./main.js").catch(function (error) {
    fail("The dashboard's scripts could not be loaded: " + error.message);
  });
})();

/* footfall dashboard: reads the per-day JSON from the stats API and shows it.
 *
 * Every string that comes from the API (page names, referrers, error messages) goes into the page
 * through textContent, never innerHTML: anyone can POST a hit, so a page name is attacker input.
 */
(function () {
  "use strict";

  var DAY = 86400000;
  var RANGES = {
    today: { days: 1, name: "today" },
    "7d": { days: 7, name: "7 days" },
    "30d": { days: 30, name: "30 days" },
    "90d": { days: 90, name: "90 days" },
    "12m": { months: 12, name: "12 months" },
    all: { name: "all time" }
  };
  var DEFAULT_RANGE = "30d";
  var KEY_STORE = "footfall_read_key";
  var REFRESH = 60000; // the Today view asks again this often while the tab is visible
  // The lists of the answer, each a table; a click on a row filters by `key` (one filter at a
  // time, named as the API's parameter). label: how the chip names the filter.
  var LISTS = [
    { box: "pages", list: "pages", key: "page", label: "Page" },
    { box: "events", list: "events", key: "event", label: "Event" },
    { box: "refs", list: "referrers", key: "ref", label: "Referrer" },
    { box: "campaigns", list: "campaigns", key: "campaign", label: "Campaign" },
    { box: "countries", list: "countries", key: "country", label: "Country" },
    { box: "browsers", list: "browsers", key: "browser", label: "Browser" },
    { box: "systems", list: "systems", key: "os", label: "System" },
    { box: "devices", list: "devices", key: "device", label: "Device" },
    { box: "languages", list: "languages", key: "language", label: "Language" }
  ];
  var FILTERS = LISTS.map(function (list) {
    return list.key;
  });

  var params = new URLSearchParams(location.search);
  var apiProblem = ""; // why there is no API address, shown instead of the numbers
  var api = apiUrl();
  var serverToday = null; // the API's "today" as UTC-midnight ms, once an answer has said it
  var current = 0; // id of the newest request; answers to older ones are dropped
  var drawnWidth = 0; // width of the chart as last drawn
  var lastAnswer = null;
  var typedKey = false; // the next 401 answers a key just typed into the form
  var loadedAt = 0; // when the view on screen was last asked for (ms)
  var knownSites = []; // the API's "sites", kept while one of them is chosen

  function $id(id) {
    return document.getElementById(id);
  }

  // The API address: ?api= (same origin only, so a shared link cannot send the read key
  // elsewhere), else the page's data-api attribute, else /cgi-bin/stats.py on this site.
  // An address that is no URL at all (new URL throws) leaves null and says why in apiProblem.
  function apiUrl() {
    var fromQuery = params.get("api");
    var fromPage = document.body.getAttribute("data-api") || "/cgi-bin/stats.py";
    var url;
    try {
      url = fromQuery && new URL(fromQuery, location.href);
    } catch (e) {
      apiProblem = "The API address in this page's link (?api=" + fromQuery + ") is not a URL.";
      return null;
    }
    if (url && url.origin === location.origin) return url;
    try {
      return new URL(fromPage, location.href);
    } catch (e) {
      apiProblem = "The API address in view_stats.html (data-api=\"" + fromPage +
        "\") is not a URL.";
      return null;
    }
  }

  function rangeName() {
    var r = params.get("range");
    return Object.prototype.hasOwnProperty.call(RANGES, r) ? r : DEFAULT_RANGE;
  }

  // Calendar days are handled as UTC midnights, the same ms the API uses for its days. Today is
  // the server's, which decided every hit's day; until an answer has said which day that is,
  // the browser's own date stands in (see inServerDays).
  function todayMs() {
    if (serverToday !== null) return serverToday;
    var now = new Date();
    return Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  }
  function iso(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }
  function parseDay(text) {
    var p = text.split("-");
    return Date.UTC(+p[0], +p[1] - 1, +p[2]);
  }
  function firstDay(range) {
    var spec = RANGES[range];
    var today = todayMs();
    if (spec.days) return today - (spec.days - 1) * DAY;
    if (spec.months) {
      var d = new Date(today);
      d.setUTCMonth(d.getUTCMonth() - spec.months);
      return d.getTime() + DAY;
    }
    return null;
  }

  var number = new Intl.NumberFormat();
  function longDate(ms) {
    return new Date(ms).toLocaleDateString(undefined, {
      timeZone: "UTC", weekday: "short", day: "numeric", month: "short", year: "numeric"
    });
  }
  function shortDate(ms) {
    return new Date(ms).toLocaleDateString(undefined, {
      timeZone: "UTC", day: "numeric", month: "short", year: "numeric"
    });
  }

  /* ---- talking to the API ---- */

  function query(from, to) {
    var url = new URL(api.href);
    if (from) url.searchParams.set("from", from);
    if (to) url.searchParams.set("to", to);
    if (params.get("site")) url.searchParams.set("site", params.get("site"));
    var filter = currentFilter();
    if (filter) url.searchParams.set(filter.key, filter.value);
    return url;
  }

  // Resolves to the parsed JSON; rejects with an Error whose .status is the HTTP status
  // (0 when the API could not be reached at all) and whose message is fit to show.
  function getJSON(url) {
    var headers = { Accept: "application/json" };
    var key = storedKey();
    if (key) headers["X-Footfall-Key"] = key;
    return fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin" }).then(
      function (response) {
        return response.text().then(function (body) {
          var json = null;
          try {
            json = JSON.parse(body);
          } catch (e) {
            /* not JSON: reported below */
          }
          if (response.ok && json && Array.isArray(json.visitors)) return json;
          var why = json && typeof json.error === "string" ? json.error
            : response.ok ? "the answer was not the expected JSON"
            : "HTTP " + response.status + " " + response.statusText;
          throw failure(response.status, "The stats API at " + url.pathname + " answered " +
            response.status + ": " + why);
        });
      },
      function () {
        throw failure(0, "The stats API at " + url.href + " could not be reached. " +
          "Is the server running, and is footfall installed in its cgi-bin?" + corsHint(url));
      }
    );
  }

  // A browser hides why a request to another origin failed; the usual reason is footfall's
  // dashboard_origins setting, which must list this page's origin.
  function corsHint(url) {
    return url.origin === location.origin ? "" : " It is on another site: its " +
      "dashboard_origins setting must list " + location.origin + ".";
  }

  function failure(status, message) {
    var error = new Error(message);
    error.status = status;
    return error;
  }

  function storedKey() {
    try {
      return localStorage.getItem(KEY_STORE) || "";
    } catch (e) {
      return ""; // storage disabled: ask every time
    }
  }

  // setup_db.py prints a dashboard link ending in #key=...: a fragment never leaves the browser,
  // so the key is stored here once and wiped from the address bar and the history.
  function keyFromLink() {
    var match = /^#key=([^&]+)/.exec(location.hash);
    if (!match) return;
    try {
      localStorage.setItem(KEY_STORE, decodeURIComponent(match[1]));
    } catch (e) {
      // storage disabled: the key form asks instead
    }
    history.replaceState(null, "", location.pathname + location.search);
  }

  /* ---- loading a range ---- */

  // quiet: a refresh of the view on screen (Today's, every minute): no "Loading" in between.
  function load(quiet) {
    var id = ++current;
    var range = rangeName();
    var from = firstDay(range);
    loadedAt = Date.now();
    markRange(range);
    showFilter();
    $id("main").setAttribute("aria-busy", "true");
    if (quiet !== true) {
      document.body.classList.add("is-loading");
      show("status");
    }
    (api ? getJSON(query(from && iso(from))) : Promise.reject(failure(0, apiProblem)))
      .then(function (answer) {
        return id === current ? inServerDays(answer, range, from) : null;
      })
      .then(function (answer) {
        if (id !== current) return null;
        lastAnswer = answer;
        render(answer, range);
        return previous(answer, range, id);
      })
      .catch(function (error) {
        if (id !== current) return;
        if (error.status === 401) askForKey(typedKey ? "typed" : storedKey() ? "stored" : "none");
        else showError(error.message);
      })
      .then(function () {
        if (id !== current) return;
        $id("main").setAttribute("aria-busy", "false");
        document.body.classList.remove("is-loading");
      });
  }

  // The range was counted back from the browser's date, or from a "today" the server has left
  // behind at its midnight; the answer says the server's today. If the range it gives starts
  // elsewhere (a New York browser, a Berlin server), ask once more for the server's days.
  function inServerDays(answer, range, from) {
    if (typeof answer.today !== "string") return answer;
    serverToday = parseDay(answer.today);
    var first = firstDay(range);
    return first === null || first === from ? answer : getJSON(query(iso(first)));
  }

  // The one filter of the address (?browser=Firefox): {key, value, label}, or null. Were
  // there several (a hand-made link), the first in LISTS' order is the one used.
  function currentFilter() {
    for (var i = 0; i < LISTS.length; i++) {
      var value = params.get(LISTS[i].key);
      if (value) return { key: LISTS[i].key, value: value, label: LISTS[i].label };
    }
    return null;
  }

  // The same number of days just before the range, fetched with a second GET, for the change.
  function previous(answer, range, id) {
    var first = parseDay(answer.from);
    var span = answer.visitors.length;
    if (range === "today") {
      setChange("visits", null, "so far today");
      setChange("pageviews", null, "so far today");
      return null;
    }
    if (range === "all" || !span) {
      setChange("visits", null, "since " + shortDate(first));
      setChange("pageviews", null, "since " + shortDate(first));
      return null;
    }
    var label = RANGES[range].name;
    return getJSON(query(iso(first - span * DAY), iso(first - DAY))).then(
      function (before) {
        if (id !== current) return;
        compare("visits", answer.totals.visitors, before.totals.visitors, label);
        compare("pageviews", answer.totals.pageviews, before.totals.pageviews, label);
      },
      function () {
        if (id !== current) return;
        setChange("visits", null, "no comparison available");
        setChange("pageviews", null, "no comparison available");
      }
    );
  }

  function compare(which, now, before, label) {
    var against = " vs previous " + label;
    if (!before) {
      setChange(which, null, now ? "no data for the previous " + label : "none in the previous " +
        label + " either");
      return;
    }
    var pct = Math.round(((now - before) / before) * 100);
    if (now === before || pct === 0) {
      setChange(which, "same", (now === before ? "no change" : "about the same") + against);
    } else if (pct > 0) {
      setChange(which, "up", "+" + number.format(pct) + "%" + against);
    } else {
      setChange(which, "down", "\u2212" + number.format(-pct) + "%" + against);
    }
  }

  function setChange(which, direction, text) {
    var el = $id("change-" + which);
    el.className = "change" + (direction ? " " + direction : "");
    el.textContent = "";
    if (direction === "up" || direction === "down") {
      var arrow = document.createElement("span");
      arrow.className = "arrow";
      arrow.setAttribute("aria-hidden", "true");
      arrow.textContent = direction === "up" ? "\u25B2 " : "\u25BC ";
      el.appendChild(arrow);
    }
    el.appendChild(document.createTextNode(text));
  }

  /* ---- drawing ---- */

  function show(which) {
    ["status", "keyform-box", "error-box", "empty-box", "report"].forEach(function (id) {
      // The report stays up (dimmed) while the next range loads, so the page never goes blank.
      if (which === "status" && id === "report") return;
      $id(id).hidden = id !== which;
    });
    if (which !== "status") $id("status").hidden = true;
  }

  function render(answer, range) {
    var series = chartSeries();
    var visits = series[0];
    var views = series[1];
    var hourly = series[2];
    var first = parseDay(answer.from);
    var last = parseDay(answer.to);
    $id("period").textContent = (range === "all" ? "All time: " : range === "today" ? "Today: "
      : "Last " + RANGES[range].name + ": ") + (first === last ? longDate(first)
      : longDate(first) + " \u2013 " + longDate(last)) + zoneNote(answer.timezone);
    document.title = "Visits, " + RANGES[range].name + " \u00B7 footfall";
    showSites(answer.sites);
    showFilter(answer);

    if (!answer.totals.visitors && !answer.totals.pageviews && !currentFilter()) {
      show("empty-box");
      return;
    }
    show("report");
    var totals = answer.totals;
    $id("total-visits").textContent = number.format(totals.visitors);
    $id("total-pageviews").textContent = number.format(totals.pageviews);
    // Under an event filter the second number is how often the event was sent (docs/events.md).
    var filter = currentFilter();
    $id("total-pageviews-label").textContent = filter && filter.key === "event" ? "Times sent"
      : "Pageviews";
    setChange("visits", null, "\u2026");
    setChange("pageviews", null, "\u2026");
    $id("total-unique").textContent = typeof totals.unique === "number"
      ? number.format(totals.unique) : "\u2013";
    $id("unique-note").textContent = totals.unique_by === "month"
      ? "counted once per month" : "different people in this range";
    $id("total-bounce").textContent = percent(totals.bounces, totals.visitors);
    $id("bounce-note").textContent = "visits of one pageview";
    $id("total-time").textContent = duration(totals.seconds);
    $id("time-note").textContent = timeNote(totals);
    languagesNote(totals);

    // Today has no busiest day to speak of: its box shows the last 30 minutes instead.
    $id("busiest-box").hidden = range === "today";
    $id("live-box").hidden = !(range === "today" && answer.live);
    if (range === "today" && answer.live) {
      $id("live").textContent = number.format(answer.live.visitors) +
        (answer.live.visitors === 1 ? " visitor" : " visitors");
      $id("live-note").textContent = number.format(answer.live.pageviews) +
        (answer.live.pageviews === 1 ? " pageview" : " pageviews") + ", updated every minute";
    }
    var busiest = answer.visitors.reduce(function (best, day) {
      return day[1] > best[1] ? day : best;
    }, answer.visitors[0]);
    $id("busiest").textContent = number.format(busiest[1]) + (busiest[1] === 1 ? " visit" : " visits");
    $id("busiest-date").textContent = longDate(busiest[0]);

    $id("chart-title").textContent = hourly ? "Per hour" : "Per day";
    $id("chart").setAttribute("aria-label", (hourly ? "Line chart of visits and pageviews per " +
      "hour of " + longDate(first) : "Line chart of visits and pageviews per day from " +
      longDate(first) + " to " + longDate(last)) + ". The numbers are in the table below it.");
    drawChart(visits, views, hourly);
    fillDays(visits, views, hourly);
    LISTS.forEach(function (list) {
      fillTop(list, answer[list.list]);
    });
    fillNotes(answer.notes);
    fillBroken(answer.not_found);
  }

  // A share as a whole percent ("38%"), or a dash when there is nothing to divide.
  function percent(part, whole) {
    return typeof part === "number" && whole ? Math.round((part / whole) * 100) + "%" : "\u2013";
  }

  // An event's conversion (a share of 1) as a percent with one decimal ("4.1%"), or a dash.
  function conversion(share) {
    return typeof share === "number" ? (Math.round(share * 1000) / 10).toFixed(1) + "%" : "\u2013";
  }

  // Seconds as people say them: "45 s", "2 min 5 s"; a dash when nothing was timed.
  function duration(seconds) {
    if (typeof seconds !== "number") return "\u2013";
    var s = Math.round(seconds);
    return s < 60 ? s + " s" : Math.floor(s / 60) + " min " + (s % 60) + " s";
  }

  // Under the time per visit: how many visits it stands for when not all were timed (an
  // access log, the pixel and the jQuery snippet report no time).
  function timeNote(totals) {
    if (typeof totals.seconds !== "number") return "no visit was timed";
    if (typeof totals.timed === "number" && totals.timed < totals.visitors) {
      return number.format(totals.timed) + " of " + number.format(totals.visitors) +
        " visits timed";
    }
    return "visible, on average";
  }

  // Under the languages: how many visits told none (an access log does not record it), lest
  // "2 visitors" read as the whole of 641.
  function languagesNote(totals) {
    var untold = totals.without_language;
    var note = $id("languages-note");
    note.hidden = !(typeof untold === "number" && untold > 0);
    note.textContent = note.hidden ? "" : number.format(untold) + " of " +
      number.format(totals.visitors) + " visits told no language: an access log does not " +
      "record it.";
  }

  // The days are the server's: name its zone when it is not this browser's.
  function zoneNote(zone) {
    var here = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    var plain = function (name) {
      return name.replace(/^Etc\//, "");
    };
    return zone && plain(zone) !== plain(here) ? " (days in " + zone + ")" : "";
  }

  function cssVar(name) {
    return getComputedStyle(document.body).getPropertyValue(name).trim();
  }

  function drawChart(visits, views, hourly) {
    var span = visits.length;
    // Dots on each day only while they have room; on a phone 30 dots become a smear.
    drawnWidth = $id("chart").clientWidth;
    var dots = span <= 31 && drawnWidth / span >= 18;
    jQuery.plot("#chart", [
      { data: visits, label: "Visits", color: cssVar("--visits"),
        lines: { show: true, lineWidth: 2.5, fill: 0.12 } },
      { data: views, label: "Pageviews", color: cssVar("--pageviews"),
        lines: { show: true, lineWidth: 1.5 } }
    ], {
      series: { shadowSize: 0, points: { show: dots, radius: 2.5, fillColor: cssVar("--bg") } },
      // The API's hours, like its days, are UTC-based ms of the server's wall clock.
      xaxis: { mode: "time", timeBase: "milliseconds", timezone: "UTC",
        minTickSize: hourly ? [1, "hour"] : [1, "day"], timeformat: hourly ? "%H:%M" : null,
        showMinorTicks: false, color: cssVar("--grid") },
      yaxis: { min: 0, tickDecimals: 0, minTickSize: 1, showMinorTicks: false,
        color: cssVar("--grid") },
      grid: { hoverable: true, borderWidth: 0, color: cssVar("--muted"), mouseActiveRadius: 30,
        margin: { top: 8, right: 12, bottom: 4, left: 0 },
        markings: hourly ? [] : noteMarkings() },
      legend: { show: false },
      hooks: { axisReserveSpace: [roomForEveryLabel] }
    });
  }

  // flot draws the labels at both ends of an axis but leaves room only for those between them
  // (it measures no end label unless showTickLabels is "all", which adds labels of its own such
  // as "10.000"): a top label of 10 over single digits overflowed its box and read "0". Room
  // for the widest label of the y axis, measured as flot measures it.
  function roomForEveryLabel(plot, axis) {
    if (axis.direction !== "y") return;
    var layer = "flot-y-axis flot-y" + axis.n + "-axis yAxis y" + axis.n + "Axis";
    axis.ticks.forEach(function (tick) {
      var info = plot.getSurface().getTextInfo(layer, tick.label, "flot-tick-label tickLabel");
      axis.labelWidth = Math.max(axis.labelWidth, info.width);
    });
  }

  // What the chart and its table show: for Today its hours that have begun (the hours to come
  // are not zeros yet: drawn as such, 02:00 would look like a crash), else days.
  function chartSeries() {
    var hourly = rangeName() === "today" && lastAnswer.hours &&
      Array.isArray(lastAnswer.hours.visitors);
    if (!hourly) return [lastAnswer.visitors, lastAnswer.pageviews, false];
    var now = lastAnswer.to === lastAnswer.today ? serverClock(lastAnswer.timezone) : Infinity;
    var begun = lastAnswer.hours.visitors.filter(function (hour) {
      return hour[0] <= now;
    }).length;
    return [lastAnswer.hours.visitors.slice(0, Math.max(begun, 1)),
      lastAnswer.hours.pageviews.slice(0, Math.max(begun, 1)), true];
  }

  // The server's wall clock now, as UTC-based ms like the API's hours: this browser's clock
  // read in the zone the API names, or on this browser's own wall if it does not know that
  // zone (an abbreviation such as "BST").
  function serverClock(zone) {
    var now = new Date();
    var at = {};
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric",
        month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" })
        .formatToParts(now).forEach(function (part) {
          at[part.type] = +part.value;
        });
      return Date.UTC(at.year, at.month - 1, at.day, at.hour, at.minute);
    } catch (e) {
      return Date.UTC(now.getFullYear(), now.getMonth(), now.getDate(), now.getHours(),
        now.getMinutes());
    }
  }

  function redraw() {
    if (lastAnswer && !$id("report").hidden) drawChart.apply(null, chartSeries());
  }

  // flot's bundle has no resize plugin: redraw when the box changes width (phone rotation,
  // window resize) so the chart always fills its container.
  function followResizes() {
    var box = $id("chart");
    var changed = function () {
      if (box.clientWidth && box.clientWidth !== drawnWidth) redraw();
    };
    if (window.ResizeObserver) new ResizeObserver(changed).observe(box);
    else window.addEventListener("resize", changed);
  }

  // "14:00–15:00" of an hour's UTC-based ms.
  function hourName(ms) {
    var h = new Date(ms).getUTCHours();
    var two = function (n) {
      return (n < 10 ? "0" : "") + n + ":00";
    };
    return two(h) + "\u2013" + two((h + 1) % 24);
  }

  function hover() {
    var tip = $id("tip");
    jQuery("#chart").on("plothover", function (event, pos, item) {
      // Over a note's line, the note shows even away from the day's points (notes are days:
      // the hourly chart has none).
      var notes = lastAnswer && !chartSeries()[2] ? notesOn(item ? item.datapoint[0] : pos.x)
        : [];
      if ((!item && !notes.length) || !lastAnswer) {
        tip.hidden = true;
        return;
      }
      var series = chartSeries();
      tip.textContent = "";
      var title = document.createElement("strong");
      tip.appendChild(title);
      if (item) {
        var i = item.dataIndex;
        title.textContent = series[2] ? hourName(series[0][i][0]) : longDate(series[0][i][0]);
        [["Visits", series[0][i][1]], ["Pageviews", series[1][i][1]]].forEach(function (pair) {
          tip.appendChild(cell("span", pair[0] + ": " + number.format(pair[1])));
        });
      } else {
        title.textContent = longDate(parseDay(notes[0].day));
      }
      notes.forEach(function (note) {
        tip.appendChild(cell("span", note.text, "note"));
        tip.appendChild(cell("span", beforeAfter(note)));
      });
      tip.hidden = false;
      // Keep the tip inside the chart: flip it to the left of the point on the right half.
      var box = this.getBoundingClientRect();
      var x = (item ? item.pageX : pos.pageX) - window.scrollX - box.left;
      var y = (item ? item.pageY : pos.pageY) - window.scrollY - box.top;
      tip.style.left = (x > box.width / 2 ? x - tip.offsetWidth - 12 : x + 12) + "px";
      tip.style.top = Math.max(0, y - tip.offsetHeight - 8) + "px";
    });
    jQuery("#chart").on("mouseleave", function () {
      tip.hidden = true;
    });
  }

  function cell(tag, text, className) {
    var el = document.createElement(tag);
    el.textContent = text;
    if (className) el.className = className;
    return el;
  }

  function fillDays(visits, views, hourly) {
    $id("days-title").textContent = hourly ? "Numbers for each hour" : "Numbers for each day";
    $id("days-caption").textContent = hourly ? "Visits and pageviews per hour"
      : "Visits and pageviews per day";
    $id("days-unit").textContent = hourly ? "Hour" : "Day";
    var body = $id("days-body");
    body.textContent = "";
    // Newest first: the days a visitor of the dashboard most likely looks for.
    for (var i = visits.length - 1; i >= 0; i--) {
      var row = document.createElement("tr");
      if (!visits[i][1] && !views[i][1]) row.className = "quiet";
      var head = cell("th", hourly ? hourName(visits[i][0]) : longDate(visits[i][0]));
      head.scope = "row";
      row.appendChild(head);
      row.appendChild(cell("td", number.format(visits[i][1]), "num"));
      row.appendChild(cell("td", number.format(views[i][1]), "num"));
      body.appendChild(row);
    }
  }

  // How a list's value reads on screen: countries by name, devices and languages in words.
  var languageNames = null;
  try {
    languageNames = new Intl.DisplayNames(undefined, { type: "language" });
  } catch (e) {
    /* an older browser: language codes as they are */
  }
  function shown(list, row) {
    var value = row[list.key];
    if (value === "" || value === null || value === undefined) return "Unknown";
    if (list.key === "country") return row.name ? row.name + " (" + value + ")" : String(value);
    if (list.key === "device") return value.charAt(0).toUpperCase() + value.slice(1);
    if (list.key === "language" && languageNames) {
      try {
        var name = languageNames.of(value);
        return name && name !== value ? name + " (" + value + ")" : String(value);
      } catch (e) {
        return String(value);
      }
    }
    return String(value);
  }

  // The address of this view filtered by key=value instead of any other filter.
  function filterLink(key, value) {
    var next = new URLSearchParams(params);
    FILTERS.forEach(function (name) {
      next.delete(name);
    });
    if (key) next.set(key, value);
    if (!next.has("range")) next.set("range", rangeName());
    return "?" + next.toString();
  }

  // One table of the answer: a row per entry, its name a link that filters the dashboard by
  // it, under a bar as long as its share of the top entry's visitors (the number is text).
  function fillTop(list, rows) {
    var box = $id(list.box + "-box");
    box.hidden = !Array.isArray(rows);
    if (box.hidden) return;
    var body = $id(list.box + "-body");
    body.textContent = "";
    var most = rows.reduce(function (top, row) {
      return Math.max(top, row.visitors || 0);
    }, 0);
    var filter = currentFilter();
    rows.forEach(function (row) {
      var value = row[list.key];
      var tr = document.createElement("tr");
      var head = document.createElement("th");
      head.scope = "row";
      head.className = "name";
      var bar = document.createElement("span");
      bar.className = "bar";
      bar.setAttribute("aria-hidden", "true");
      bar.style.width = (most ? Math.round(((row.visitors || 0) / most) * 1000) / 10 : 0) + "%";
      head.appendChild(bar);
      var name = shown(list, row);
      if (value === "" || value === null || value === undefined) {
        head.appendChild(cell("span", name, "label"));
      } else {
        var link = cell("a", name, "label");
        link.href = filterLink(list.key, value);
        link.setAttribute("data-filter", list.key);
        link.setAttribute("data-value", String(value));
        if (filter && filter.key === list.key && filter.value === String(value)) {
          link.setAttribute("aria-current", "true");
          tr.className = "current";
        }
        head.appendChild(link);
      }
      tr.appendChild(head);
      tr.appendChild(cell("td", number.format(row.visitors || 0), "num"));
      if (list.key === "event") {
        tr.appendChild(cell("td", number.format(row.count || 0), "num"));
        tr.appendChild(cell("td", conversion(row.conversion), "num"));
      } else {
        tr.appendChild(cell("td", number.format(row.pageviews || 0), "num"));
      }
      if (list.key === "page") {
        tr.appendChild(cell("td", number.format(row.entries || 0), "num more"));
        tr.appendChild(cell("td", percent(row.bounces, row.entries), "num more"));
        tr.appendChild(cell("td", duration(row.seconds), "num more"));
      }
      body.appendChild(tr);
    });
    box.querySelector("table").hidden = !rows.length;
    box.querySelector(".none").hidden = rows.length > 0;
  }

  // On a phone the pages table shows the page, its visitors and views; its entries, bounce
  // rate and time come on demand (six columns squeezed a path into one word per line).
  function moreColumns() {
    var toggle = $id("pages-more");
    toggle.addEventListener("click", function () {
      var open = $id("pages-box").classList.toggle("all-columns");
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = (open ? "Hide" : "Show") + " entries, bounce rate and time";
    });
  }

  // Only an imported access log knows a status, so the table shows only when it has rows.
  function fillBroken(rows) {
    var box = $id("broken-box");
    box.hidden = !Array.isArray(rows) || !rows.length;
    if (box.hidden) return;
    var body = $id("broken-body");
    body.textContent = "";
    rows.forEach(function (row) {
      var tr = document.createElement("tr");
      var head = cell("th", String(row.page), "name");
      head.scope = "row";
      tr.appendChild(head);
      tr.appendChild(cell("td", row.ref ? String(row.ref) : "(none)", "name"));
      tr.appendChild(cell("td", number.format(row.count), "num"));
      body.appendChild(tr);
    });
  }

  /* ---- the filter, the site, and Today's refresh ---- */

  // Show the filter in force as a chip (or hide it), and say it in the title of the tab.
  function showFilter(answer) {
    var filter = currentFilter();
    $id("filter").hidden = !filter;
    if (!filter) return;
    var list = LISTS.filter(function (l) {
      return l.key === filter.key;
    })[0];
    var row = {};
    row[filter.key] = filter.value;
    // A country reads by its name once an answer has given it.
    (answer && answer.countries || []).forEach(function (c) {
      if (c.country === filter.value) row.name = c.name;
    });
    $id("filter-text").textContent = filter.label + ": " + shown(list, row);
    $id("filter-remove-text").textContent = "Remove the filter " + filter.label + ": " +
      filter.value;
  }

  function go(search) {
    // A real history entry: reload, back and a shared link all show the same view.
    history.pushState(null, "", search + location.hash);
    params = new URLSearchParams(location.search);
    load();
  }

  function removeFilter() {
    if (!currentFilter()) return;
    go(filterLink(null));
    $id("period").focus();
  }

  function filterControls() {
    // One listener for every table: a click on a row (its name, a number or the bar) filters.
    $id("report").addEventListener("click", function (event) {
      var row = event.target.closest && event.target.closest("table.top tbody tr");
      var link = row && row.querySelector("a[data-filter]");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button) return;
      event.preventDefault();
      go(filterLink(link.getAttribute("data-filter"), link.getAttribute("data-value")));
    });
    $id("filter-remove").addEventListener("click", removeFilter);
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      var target = event.target;
      if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
      removeFilter();
    });
  }

  // The site selector, when the API lists several sites (it does only then), or one is chosen.
  function showSites(sites) {
    var chosen = params.get("site") || "";
    if (Array.isArray(sites) && sites.length > 1) knownSites = sites;
    var picker = $id("site-picker");
    picker.hidden = !knownSites.length && !chosen;
    if (picker.hidden) return;
    var select = $id("site-select");
    select.textContent = "";
    var all = cell("option", "All sites");
    all.value = "";
    select.appendChild(all);
    var names = knownSites.map(function (s) {
      return s.site;
    });
    if (chosen && names.indexOf(chosen) < 0) names.push(chosen);
    names.forEach(function (name) {
      var option = cell("option", name);
      option.value = name;
      select.appendChild(option);
    });
    select.value = chosen;
  }

  function siteControls() {
    $id("site-select").addEventListener("change", function () {
      var next = new URLSearchParams(params);
      if (this.value) next.set("site", this.value);
      else next.delete("site");
      $id("site-name").textContent = this.value;
      go("?" + next.toString());
    });
  }

  // Today's numbers change by the minute: ask again every REFRESH ms while the tab is seen,
  // and at once when it is seen again after longer than that.
  function refreshToday() {
    var due = function () {
      return rangeName() === "today" && document.visibilityState === "visible" &&
        !$id("report").hidden && Date.now() - loadedAt >= REFRESH - 1000;
    };
    setInterval(function () {
      if (due()) load(true);
    }, REFRESH);
    document.addEventListener("visibilitychange", function () {
      if (due()) load(true);
    });
  }


  /* ---- notes (written on the server by scripts/note.py; the dashboard only reads them) ---- */

  function noteMarkings() {
    var notes = (lastAnswer && lastAnswer.notes) || [];
    return notes.map(function (note) {
      var ms = parseDay(note.day);
      return { xaxis: { from: ms, to: ms }, color: cssVar("--note"), lineWidth: 2 };
    });
  }

  // The notes of the day nearest to x (epoch ms), if any.
  function notesOn(x) {
    var day = Math.round(x / DAY) * DAY;
    return (lastAnswer.notes || []).filter(function (note) {
      return parseDay(note.day) === day;
    });
  }

  // "before 41/day → after 67/day (+63%)", from the mean daily visitors the API answers.
  function beforeAfter(note) {
    var perDay = function (n) {
      return number.format(Math.round(n)) + "/day";
    };
    if (note.before === null && note.after === null) return "no visitors data around this day";
    if (note.before === null) return "after " + perDay(note.after) + " (no data before)";
    if (note.after === null) return "before " + perDay(note.before) + " (no data after yet)";
    var text = "before " + perDay(note.before) + " \u2192 after " + perDay(note.after);
    if (note.before > 0) {
      var pct = Math.round(((note.after - note.before) / note.before) * 100);
      text += " (" + (pct > 0 ? "+" : pct < 0 ? "\u2212" : "\u00B1") + number.format(Math.abs(pct)) +
        "%)";
    }
    return text;
  }

  function days(n) {
    return n + (n === 1 ? " day" : " days");
  }

  function fillNotes(notes) {
    var box = $id("notes-box");
    box.hidden = !Array.isArray(notes) || !notes.length;
    if (box.hidden) return;
    var list = $id("notes-list");
    list.textContent = "";
    notes.forEach(function (note) {
      var item = document.createElement("li");
      item.appendChild(cell("span", longDate(parseDay(note.day)), "day"));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(cell("span", note.text, "text"));
      item.appendChild(cell("span", beforeAfter(note) + " (means of " + days(note.before_days) +
        " before, " + days(note.after_days) + " from it)", "change-line"));
      // No delete button: the read key may be shared, and only the owner's shell may write.
      var del = cell("span", "To delete it, run on the server: ", "delete");
      del.appendChild(cell("code", "python3 scripts/note.py delete " + note.id));
      item.appendChild(del);
      list.appendChild(item);
    });
  }

  /* ---- CSV download ---- */

  // A link cannot carry the X-Footfall-Key header, and a key in a URL would end up in the
  // server's logs and the browser's history: so the CSV is fetched with the header, like the
  // JSON, and handed to the browser as a file through a Blob URL.
  function download() {
    if (!lastAnswer) return;
    var status = $id("download-status");
    var url = query(lastAnswer.from, lastAnswer.to);
    url.searchParams.set("format", "csv");
    var headers = {};
    var key = storedKey();
    if (key) headers["X-Footfall-Key"] = key;
    status.textContent = "Preparing the file\u2026";
    fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("the API answered " + response.status);
        var match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
        return response.blob().then(function (blob) {
          save(blob, match ? match[1] : "footfall-" + lastAnswer.from + "-" + lastAnswer.to +
            ".csv");
          status.textContent = "";
        });
      })
      .catch(function (error) {
        status.textContent = "The CSV could not be downloaded: " + error.message;
      });
  }

  function save(blob, name) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () {
      URL.revokeObjectURL(link.href);
    }, 10000);
  }

  function showError(message) {
    $id("error-text").textContent = message;
    show("error-box");
  }

  /* ---- read key ---- */

  // why: "typed" (the key just entered was refused), "stored" (the one kept here), "none".
  function askForKey(why) {
    $id("keyform-why").textContent = {
      typed: "That key was refused. Check it and try again: it is the one setup_db.py printed " +
        "(or FOOTFALL_READ_KEY).",
      stored: "The read key stored in this browser was refused. Enter the current one.",
      none: "The stats on this site are private. Enter the read key that setup_db.py printed " +
        "(or FOOTFALL_READ_KEY); it is kept in this browser only."
    }[why];
    typedKey = false;
    show("keyform-box");
    $id("key").focus();
  }

  function keyControls() {
    $id("keyform").addEventListener("submit", function (event) {
      event.preventDefault();
      try {
        localStorage.setItem(KEY_STORE, $id("key").value);
      } catch (e) {
        showError("This browser does not allow storing the key (local storage is off).");
        return;
      }
      $id("key").value = "";
      $id("forget-key").hidden = false;
      typedKey = true;
      load();
    });
    $id("forget-key").hidden = !storedKey();
    $id("forget-key").addEventListener("click", function () {
      try {
        localStorage.removeItem(KEY_STORE);
      } catch (e) {
        /* nothing stored */
      }
      this.hidden = true;
      load();
    });
  }

  /* ---- range buttons and the URL ---- */

  function markRange(range) {
    document.querySelectorAll(".ranges button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-range") === range));
    });
  }

  function rangeControls() {
    document.querySelectorAll(".ranges button").forEach(function (button) {
      button.addEventListener("click", function () {
        var range = button.getAttribute("data-range");
        if (range === rangeName() && params.has("range")) return;
        var next = new URLSearchParams(params);
        next.set("range", range);
        go("?" + next.toString());
      });
    });
    window.addEventListener("popstate", function () {
      params = new URLSearchParams(location.search);
      load();
    });
  }

  function snippet() {
    var script = new URL("footfall.js", location.href).href;
    $id("snippet").textContent = '<script async defer src="' + script + '" data-endpoint="' +
      (api ? api.href : "/cgi-bin/stats.py") + '"></script>';
  }

  function start() {
    // Opened from disk, the page has no stats API to ask (and browsers block it anyway).
    if (location.protocol === "file:") {
      showError("This page was opened as a file. Open it through a web server: from your " +
        "site (https://your.site/view_stats.html) or, locally, with python3 scripts/serve.py.");
      $id("retry").hidden = true;
      $id("main").setAttribute("aria-busy", "false");
      return;
    }
    if (params.get("site")) $id("site-name").textContent = params.get("site");
    snippet();
    keyFromLink();
    keyControls();
    rangeControls();
    filterControls();
    siteControls();
    moreColumns();
    refreshToday();
    $id("retry").addEventListener("click", load);
    $id("download").addEventListener("click", download);
    hover();
    followResizes();
    // Canvas colours come from CSS variables: redraw when the system switches light/dark.
    var dark = window.matchMedia("(prefers-color-scheme: dark)");
    if (dark.addEventListener) dark.addEventListener("change", redraw);
    load();
  }

  start();
})();

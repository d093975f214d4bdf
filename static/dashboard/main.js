/* footfall dashboard: loads the view of the address (state.js) and shows it, render(state,
 * answer). The API's strings go in as text, never HTML: anyone can POST a page name. */

import { apiAddress, askForKey, failure, getCSV, getJSON, keyControls, keyFromLink, statsUrl,
  storedKey } from "./api.js";
import { fillNotes, fillTable, followChanges, hover, showChart } from "./chart.js";
import { LISTS } from "./dimensions.js";
import { afterPaint, byId, cell, show, showError, whenParsed, whenScriptsRun } from "./dom.js";
import { DAY, chartSeries, iso, listedNote, localDay, longDate, parseDay, recordsNote, shortDate,
  shown, zoneNote } from "./format.js";
import { buildSections, fillBroken, fillList } from "./lists.js";
import { RANGES, filterLink, firstDay, rangeLink, readState, siteLink } from "./state.js";
import { compareTotals, fillTotals, sayChanges } from "./totals.js";

const REFRESH = 60000;

// The first GET goes out before jQuery and flot have run; drawing waits for them.
const scriptsRun = whenScriptsRun();

const session = {
  state: readState(location.search),
  api: null, // null when no address is a URL: apiProblem says why
  apiProblem: "",
  serverToday: null, // the API's "today" in ms, once an answer has said it
  current: 0, // id of the newest request; answers to older ones are dropped
  answer: null,
  typedKey: false, // the next 401 answers a key just typed into the form
  loadedAt: 0,
  knownSites: [], // the API's "sites", kept while one of them is chosen
  countries: new Map() // the names of the countries answers have listed, by code
};

// The server's today decided every hit's day; until an answer says it, the browser's stands in.
function today() {
  return session.serverToday !== null ? session.serverToday : localDay(new Date());
}

function ask(from, to) {
  return getJSON(statsUrl(session.api, session.state, from, to), storedKey());
}

/* ---- loading a view ---- */

// quiet: Today's refresh, with no "Loading" in between.
function load(quiet) {
  const id = ++session.current;
  const state = session.state;
  const from = firstDay(state.range, today());
  session.loadedAt = Date.now();
  markRange(state.range);
  showFilter(state, null);
  byId("main").setAttribute("aria-busy", "true");
  if (quiet !== true) {
    document.body.classList.add("is-loading");
    show("status");
  }
  (session.api ? ask(from && iso(from)) : Promise.reject(failure(0, session.apiProblem)))
    .then((answer) => (id === session.current ? inServerDays(answer, state, from) : null))
    .then((answer) => scriptsRun.then(() => answer))
    .then((answer) => {
      if (id !== session.current) return null;
      session.answer = answer;
      return Promise.all([render(state, answer), previous(state, answer, id)]);
    })
    .catch((error) => {
      if (id !== session.current) return;
      if (error.status === 401) {
        askForKey(session.typedKey ? "typed" : storedKey() ? "stored" : "none");
        session.typedKey = false;
      } else {
        showError(error.message);
      }
    })
    .then(() => {
      if (id !== session.current) return;
      byId("main").setAttribute("aria-busy", "false");
      document.body.classList.remove("is-loading");
    });
}

// The range was counted from the browser's today, or one the server has left at its midnight:
// when it starts elsewhere (a New York browser, a Berlin server), ask for the server's days.
function inServerDays(answer, state, from) {
  if (typeof answer.today !== "string") return answer;
  session.serverToday = parseDay(answer.today);
  const first = firstDay(state.range, today());
  return first === null || first === from ? answer : ask(iso(first));
}

// The change: the same number of days just before, by a second GET.
function previous(state, answer, id) {
  const first = parseDay(answer.from);
  const span = answer.visitors.length;
  if (state.range === "today") return sayChanges("so far today");
  if (state.range === "all" || !span) return sayChanges("since " + shortDate(first));
  const label = RANGES[state.range].name;
  return ask(iso(first - span * DAY), iso(first - DAY)).then(
    (before) => {
      if (id === session.current) compareTotals(answer, before, label);
    },
    () => {
      if (id === session.current) sayChanges("no comparison available");
    }
  );
}

/* ---- drawing ---- */

// The totals and the chart now; what is below the chart (its table, the notes, the lists) once
// the frame with the chart is painted, when the promise this returns is kept.
export function render(state, answer) {
  const first = parseDay(answer.from);
  const last = parseDay(answer.to);
  showPeriod(state, answer, first, last);
  showSites(state, answer.sites);
  showFilter(state, answer);
  if (!answer.totals.visitors && !answer.totals.pageviews && !state.filters.length) {
    show("empty-box");
    return Promise.resolve();
  }
  show("report");
  fillTotals(state, answer);
  // The hourly rule, once per answer: the chart, its hover and its table share the series.
  const series = chartSeries(answer, state.range, new Date());
  showChart(series, answer.notes, first, last);
  return afterPaint().then(() => {
    fillTable(series);
    fillNotes(answer.notes);
    LISTS.forEach((list) => fillList(state, list, answer[list.list]));
    fillBroken(answer.not_found);
  });
}

function showPeriod(state, answer, first, last) {
  const range = state.range;
  const here = Intl.DateTimeFormat().resolvedOptions().timeZone;
  byId("period").textContent = (range === "all" ? "All time: " : range === "today" ? "Today: "
    : "Last " + RANGES[range].name + ": ") + (first === last ? longDate(first)
    : longDate(first) + " \u2013 " + longDate(last)) + zoneNote(answer.timezone, here);
  document.title = "Visits, " + RANGES[range].name + " \u00B7 footfall";
}

// A chip per filter; a country reads by its name once an answer has given it (kept, so the
// chip does not change while the next view loads, nor when it fails).
function showFilter(state, answer) {
  const filters = state.filters;
  ((answer && answer.countries) || []).forEach((c) => {
    session.countries.set(c.country, c.name);
  });
  byId("filter").hidden = !filters.length;
  const chips = byId("chips");
  // Built again with each answer: the chip's × that had the focus keeps it.
  const focused = chips.contains(document.activeElement) &&
    document.activeElement.getAttribute("data-filter");
  chips.textContent = "";
  filters.forEach((filter) => chips.appendChild(chip(filter)));
  const again = focused && chips.querySelector('[data-filter="' + focused + '"]');
  if (again) again.focus();
  byId("filter-hint").textContent = "Every number below counts only these hits. Esc removes " +
    (filters.length > 1 ? "the last filter." : "the filter.");
  const note = byId("records-note");
  note.textContent = answer ? recordsNote(answer) : "";
  note.hidden = !note.textContent;
  const listed = byId("listed-text");
  listed.textContent = answer && answer.totals ? listedNote(answer.totals) : "";
  byId("listed-note").hidden = !listed.textContent;
}

function chip(filter) {
  const row = {};
  row[filter.key] = filter.value;
  if (filter.key === "country") row.name = session.countries.get(filter.value);
  const item = cell("li", "", "chip");
  item.appendChild(cell("span", filter.label + ": " + shown(filter.key, row), "chip-text"));
  const remove = cell("button", "", "chip-remove");
  remove.type = "button";
  remove.setAttribute("data-filter", filter.key);
  const cross = cell("span", "\u00D7");
  cross.setAttribute("aria-hidden", "true");
  remove.appendChild(cross);
  remove.appendChild(cell("span", "Remove the filter " + filter.label + ": " + filter.value,
    "visually-hidden"));
  item.appendChild(remove);
  return item;
}

// The site selector, when the API lists sites (several had hits) or one is chosen.
function showSites(state, sites) {
  const chosen = state.site;
  if (Array.isArray(sites) && sites.length > 1) session.knownSites = sites;
  const picker = byId("site-picker");
  picker.hidden = !session.knownSites.length && !chosen;
  if (picker.hidden) return;
  const select = byId("site-select");
  select.textContent = "";
  const all = cell("option", "All sites");
  all.value = "";
  select.appendChild(all);
  const names = session.knownSites.map((s) => s.site);
  if (chosen && names.indexOf(chosen) < 0) names.push(chosen);
  names.forEach((name) => {
    const option = cell("option", name);
    option.value = name;
    select.appendChild(option);
  });
  select.value = chosen;
}

function markRange(range) {
  document.querySelectorAll(".ranges button").forEach((b) => {
    b.setAttribute("aria-pressed", String(b.getAttribute("data-range") === range));
  });
}

/* ---- navigation: the range, the filter, the site ---- */

// A history entry: reload, Back and a shared link show the same view.
function go(search) {
  history.pushState(null, "", search + location.hash);
  session.state = readState(location.search);
  load();
}

// key: the filter whose × was pressed; by default (Escape) the last one added. The focus goes
// to the chip now in its place, else to the period.
function removeFilter(key) {
  const filters = session.state.filters;
  const at = key ? filters.findIndex((filter) => filter.key === key) : filters.length - 1;
  if (at < 0) return;
  go(filterLink(session.state, filters[at].key, null));
  const left = byId("chips").querySelectorAll(".chip-remove");
  (left.length ? left[Math.min(at, left.length - 1)] : byId("period")).focus();
}

function rangeControls() {
  document.querySelectorAll(".ranges button").forEach((button) => {
    button.addEventListener("click", () => {
      const range = button.getAttribute("data-range");
      const state = session.state;
      if (range === state.range && state.rangeGiven) return;
      go(rangeLink(state, range));
    });
  });
  window.addEventListener("popstate", () => {
    session.state = readState(location.search);
    load();
  });
}

function filterControls() {
  // A click anywhere on a row filters.
  byId("report").addEventListener("click", (event) => {
    const row = event.target.closest && event.target.closest("table.top tbody tr");
    const link = row && row.querySelector("a[data-filter]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button) return;
    event.preventDefault();
    go(filterLink(session.state, link.getAttribute("data-filter"),
      link.getAttribute("data-value")));
  });
  byId("chips").addEventListener("click", (event) => {
    const remove = event.target.closest && event.target.closest(".chip-remove");
    if (remove) removeFilter(remove.getAttribute("data-filter"));
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    const target = event.target;
    if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
    removeFilter(null);
  });
}

function siteControls() {
  byId("site-select").addEventListener("change", function () {
    byId("site-name").textContent = this.value;
    go(siteLink(session.state, this.value));
  });
}

// Today's view asks again every REFRESH ms while the tab is seen, and at once when it is seen
// again after longer than that.
function refreshToday() {
  const due = () => session.state.range === "today" &&
    document.visibilityState === "visible" && !byId("report").hidden &&
    Date.now() - session.loadedAt >= REFRESH - 1000;
  setInterval(() => {
    if (due()) load(true);
  }, REFRESH);
  document.addEventListener("visibilitychange", () => {
    if (due()) load(true);
  });
}

/* ---- CSV download ---- */

function download() {
  const answer = session.answer;
  if (!answer) return;
  const status = byId("download-status");
  status.textContent = "Preparing the file\u2026";
  getCSV(statsUrl(session.api, session.state, answer.from, answer.to), storedKey(),
    "footfall-" + answer.from + "-" + answer.to + ".csv")
    .then((file) => {
      save(file.blob, file.name);
      status.textContent = "";
    })
    .catch((error) => {
      status.textContent = "The CSV could not be downloaded: " + error.message;
    });
}

function save(blob, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

/* ---- start ---- */

function snippet() {
  const script = new URL("footfall.js", location.href).href;
  byId("snippet").textContent = '<script async defer src="' + script + '" data-endpoint="' +
    (session.api ? session.api.href : "/cgi-bin/stats.py") + '"></script>';
}

function start() {
  const where = apiAddress(session.state.api, document.body.getAttribute("data-api"),
    location.href);
  session.api = where.url;
  session.apiProblem = where.problem;
  buildSections();
  if (session.state.site) byId("site-name").textContent = session.state.site;
  snippet();
  keyFromLink();
  keyControls(() => {
    session.typedKey = true;
    load();
  }, load);
  rangeControls();
  filterControls();
  siteControls();
  refreshToday();
  byId("retry").addEventListener("click", load);
  byId("download").addEventListener("click", download);
  scriptsRun.then(hover);
  followChanges();
  load();
}

whenParsed().then(start);

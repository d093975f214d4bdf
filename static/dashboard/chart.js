/* footfall dashboard: the chart (flot's, window.jQuery.plot: options apart from the data, as
 * in flot's examples), its tooltip, the table of its numbers, and the notes (scripts/note.py). */

import { byId, cell, cssVar } from "./dom.js";
import { DAY, beforeAfter, days, hourName, longDate, number, parseDay } from "./format.js";

// {series, notes} on the chart, to draw again at another width or colour scheme, and to hover.
let drawn = null;
let drawnWidth = 0;

function colours() {
  return { visits: cssVar("--visits"), pageviews: cssVar("--pageviews"), bg: cssVar("--bg"),
    grid: cssVar("--grid"), muted: cssVar("--muted"), note: cssVar("--note") };
}

export function chartData(series, colour) {
  return [
    { data: series.visits, label: "Visits", color: colour.visits,
      lines: { show: true, lineWidth: 2.5, fill: 0.12 } },
    { data: series.views, label: "Pageviews", color: colour.pageviews,
      lines: { show: true, lineWidth: 1.5 } }
  ];
}

// dots: a dot on each point; markings: the notes' lines.
export function chartOptions(colour, hourly, dots, markings) {
  return {
    series: { shadowSize: 0, points: { show: dots, radius: 2.5, fillColor: colour.bg } },
    // The API's days and hours are UTC-based ms of the server's wall clock.
    xaxis: { mode: "time", timeBase: "milliseconds", timezone: "UTC",
      minTickSize: hourly ? [1, "hour"] : [1, "day"], timeformat: hourly ? "%H:%M" : null,
      showMinorTicks: false, color: colour.grid },
    yaxis: { min: 0, tickDecimals: 0, minTickSize: 1, showMinorTicks: false,
      color: colour.grid },
    grid: { hoverable: true, borderWidth: 0, color: colour.muted, mouseActiveRadius: 30,
      margin: { top: 8, right: 12, bottom: 4, left: 0 }, markings: markings },
    legend: { show: false },
    hooks: { axisReserveSpace: [roomForEveryLabel] }
  };
}

// flot leaves room only for the labels between an axis's ends (showTickLabels "all" adds its
// own, "10.000"): a top 10 over single digits read "0". Room for the widest, as flot measures.
function roomForEveryLabel(plot, axis) {
  if (axis.direction !== "y") return;
  const layer = "flot-y-axis flot-y" + axis.n + "-axis yAxis y" + axis.n + "Axis";
  axis.ticks.forEach((tick) => {
    const info = plot.getSurface().getTextInfo(layer, tick.label, "flot-tick-label tickLabel");
    axis.labelWidth = Math.max(axis.labelWidth, info.width);
  });
}

// series: format.chartSeries; notes are days, which the hourly chart has none of.
export function showChart(series, notes, first, last) {
  byId("chart-title").textContent = series.hourly ? "Per hour" : "Per day";
  byId("chart").setAttribute("aria-label", (series.hourly ? "Line chart of visits and " +
    "pageviews per hour of " + longDate(first) : "Line chart of visits and pageviews per day " +
    "from " + longDate(first) + " to " + longDate(last)) +
    ". The numbers are in the table below it.");
  drawn = { series: series, notes: series.hourly ? [] : notes || [] };
  draw();
}

function draw() {
  const span = drawn.series.visits.length;
  // Dots on each day only while they have room; on a phone 30 dots become a smear.
  drawnWidth = byId("chart").clientWidth;
  const dots = span <= 31 && drawnWidth / span >= 18;
  const colour = colours();
  const markings = drawn.series.hourly ? [] : noteMarkings(drawn.notes, colour.note);
  window.jQuery.plot("#chart", chartData(drawn.series, colour),
    chartOptions(colour, drawn.series.hourly, dots, markings));
}

function redraw() {
  if (drawn && !byId("report").hidden) draw();
}

// flot's bundle has no resize plugin: redraw when the box changes width (phone rotation,
// window resize), and when the system switches light/dark (the colours are CSS variables).
export function followChanges() {
  const box = byId("chart");
  const changed = () => {
    if (box.clientWidth && box.clientWidth !== drawnWidth) redraw();
  };
  if (window.ResizeObserver) new ResizeObserver(changed).observe(box);
  else window.addEventListener("resize", changed);
  const dark = window.matchMedia("(prefers-color-scheme: dark)");
  if (dark.addEventListener) dark.addEventListener("change", redraw);
}

export function hover() {
  const tip = byId("tip");
  window.jQuery("#chart").on("plothover", function (event, pos, item) {
    // Over a note's line, the note shows even away from the day's points.
    const notes = drawn ? notesOn(drawn.notes, item ? item.datapoint[0] : pos.x) : [];
    if ((!item && !notes.length) || !drawn) {
      tip.hidden = true;
      return;
    }
    const series = drawn.series;
    tip.textContent = "";
    const title = document.createElement("strong");
    tip.appendChild(title);
    if (item) {
      const i = item.dataIndex;
      const at = series.visits[i][0];
      title.textContent = series.hourly ? hourName(at) : longDate(at);
      [["Visits", series.visits[i][1]], ["Pageviews", series.views[i][1]]].forEach((pair) => {
        tip.appendChild(cell("span", pair[0] + ": " + number.format(pair[1])));
      });
    } else {
      title.textContent = longDate(parseDay(notes[0].day));
    }
    notes.forEach((note) => {
      tip.appendChild(cell("span", note.text, "note"));
      tip.appendChild(cell("span", beforeAfter(note)));
    });
    tip.hidden = false;
    // Keep the tip inside the chart: flip it to the left of the point on the right half.
    const box = this.getBoundingClientRect();
    const x = (item ? item.pageX : pos.pageX) - window.scrollX - box.left;
    const y = (item ? item.pageY : pos.pageY) - window.scrollY - box.top;
    tip.style.left = (x > box.width / 2 ? x - tip.offsetWidth - 12 : x + 12) + "px";
    tip.style.top = Math.max(0, y - tip.offsetHeight - 8) + "px";
  });
  window.jQuery("#chart").on("mouseleave", () => {
    tip.hidden = true;
  });
}

// "Numbers for each day" (or hour), newest first: the days most likely looked for.
export function fillTable(series) {
  const hourly = series.hourly;
  byId("days-title").textContent = hourly ? "Numbers for each hour" : "Numbers for each day";
  byId("days-caption").textContent = hourly ? "Visits and pageviews per hour"
    : "Visits and pageviews per day";
  byId("days-unit").textContent = hourly ? "Hour" : "Day";
  const body = byId("days-body");
  body.textContent = "";
  const visits = series.visits;
  const views = series.views;
  for (let i = visits.length - 1; i >= 0; i--) {
    const row = document.createElement("tr");
    if (!visits[i][1] && !views[i][1]) row.className = "quiet";
    const head = cell("th", hourly ? hourName(visits[i][0]) : longDate(visits[i][0]));
    head.scope = "row";
    row.appendChild(head);
    row.appendChild(cell("td", number.format(visits[i][1]), "num"));
    row.appendChild(cell("td", number.format(views[i][1]), "num"));
    body.appendChild(row);
  }
}

/* ---- notes ---- */

function noteMarkings(notes, color) {
  return (notes || []).map((note) => {
    const ms = parseDay(note.day);
    return { xaxis: { from: ms, to: ms }, color: color, lineWidth: 2 };
  });
}

// The notes of the day nearest to x (epoch ms), if any.
function notesOn(notes, x) {
  const day = Math.round(x / DAY) * DAY;
  return (notes || []).filter((note) => parseDay(note.day) === day);
}

export function fillNotes(notes) {
  const box = byId("notes-box");
  box.hidden = !Array.isArray(notes) || !notes.length;
  if (box.hidden) return;
  const list = byId("notes-list");
  list.textContent = "";
  notes.forEach((note) => {
    const item = document.createElement("li");
    item.appendChild(cell("span", longDate(parseDay(note.day)), "day"));
    item.appendChild(document.createTextNode(" "));
    item.appendChild(cell("span", note.text, "text"));
    item.appendChild(cell("span", beforeAfter(note) + " (means of " + days(note.before_days) +
      " before, " + days(note.after_days) + " from it)", "change-line"));
    // No delete button: the read key may be shared, and only the owner's shell may write.
    const del = cell("span", "To delete it, run on the server: ", "delete");
    del.appendChild(cell("code", "python3 scripts/note.py delete " + note.id));
    item.appendChild(del);
    list.appendChild(item);
  });
}

/* footfall dashboard: the totals above the chart, and the change against the days before. */

import { byId } from "./dom.js";
import { change, duration, languagesNote, longDate, number, percent, plural, timeNote,
  uniqueNote } from "./format.js";

const DASH = "\u2013";

export function fillTotals(state, answer) {
  const totals = answer.totals;
  byId("total-visits").textContent = number.format(totals.visitors);
  byId("total-pageviews").textContent = number.format(totals.pageviews);
  // Under an event filter the second number is how often the event was sent (docs/events.md).
  byId("total-pageviews-label").textContent = state.filters.some((filter) => filter.key === "event")
    ? "Times sent" : "Pageviews";
  setChange("visits", null, "\u2026");
  setChange("pageviews", null, "\u2026");
  const unique = byId("total-unique");
  const about = uniqueNote(totals, state.filters.length);
  unique.textContent = typeof totals.unique === "number" ? number.format(totals.unique) : DASH;
  if (about.why) unique.title = about.why;
  else unique.removeAttribute("title");
  byId("unique-note").textContent = about.note;
  byId("total-bounce").textContent = percent(totals.bounces, totals.visitors);
  byId("bounce-note").textContent = "visits of one pageview";
  byId("total-time").textContent = duration(totals.seconds);
  byId("time-note").textContent = timeNote(totals);
  const note = byId("languages-note");
  note.textContent = languagesNote(totals);
  note.hidden = !note.textContent;
  fillBusiest(state, answer);
}

// Today has no busiest day to speak of: its box shows the last 30 minutes instead.
function fillBusiest(state, answer) {
  const today = state.range === "today";
  byId("busiest-box").hidden = today;
  byId("live-box").hidden = !(today && answer.live);
  if (today && answer.live) {
    byId("live").textContent = plural(answer.live.visitors, "visitor", "visitors");
    byId("live-note").textContent = plural(answer.live.pageviews, "pageview", "pageviews") +
      ", updated every minute";
  }
  const busiest = answer.visitors.reduce((best, day) => (day[1] > best[1] ? day : best),
    answer.visitors[0]);
  byId("busiest").textContent = plural(busiest[1], "visit", "visits");
  byId("busiest-date").textContent = longDate(busiest[0]);
}

export function sayChanges(text) {
  setChange("visits", null, text);
  setChange("pageviews", null, text);
}

// before: the API's answer for the days before; label: "7 days".
export function compareTotals(answer, before, label) {
  ["visits", "pageviews"].forEach((which) => {
    const field = which === "visits" ? "visitors" : "pageviews";
    const [direction, text] = change(answer.totals[field], before.totals[field], label);
    setChange(which, direction, text);
  });
}

function setChange(which, direction, text) {
  const el = byId("change-" + which);
  el.className = "change" + (direction ? " " + direction : "");
  el.textContent = "";
  if (direction === "up" || direction === "down") {
    const arrow = document.createElement("span");
    arrow.className = "arrow";
    arrow.setAttribute("aria-hidden", "true");
    arrow.textContent = direction === "up" ? "\u25B2 " : "\u25BC ";
    el.appendChild(arrow);
  }
  el.appendChild(document.createTextNode(text));
}

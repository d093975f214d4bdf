/* footfall dashboard: the view state, read from the address once per navigation, and the
 * addresses a click leads to (tests/js/state.test.js). */

import { FILTER_KEYS, LISTS } from "./dimensions.js";
import { DAY } from "./format.js";

export const RANGES = {
  today: { days: 1, name: "today" },
  "7d": { days: 7, name: "7 days" },
  "30d": { days: 30, name: "30 days" },
  "90d": { days: 90, name: "90 days" },
  "12m": { months: 12, name: "12 months" },
  all: { name: "all time" }
};
export const DEFAULT_RANGE = "30d";

// search: "?range=7d&browser=Firefox". filter: {key, value, label} or null; of several (a
// hand-made link) the first in LISTS' order. site and api: "" when not given.
export function readState(search) {
  const params = new URLSearchParams(search);
  const asked = params.get("range");
  const range = Object.prototype.hasOwnProperty.call(RANGES, asked) ? asked : DEFAULT_RANGE;
  let filter = null;
  for (const list of LISTS) {
    const value = params.get(list.key);
    if (value) {
      filter = { key: list.key, value: value, label: list.label };
      break;
    }
  }
  return Object.freeze({
    search: params.toString(),
    range: range,
    rangeGiven: params.has("range"),
    site: params.get("site") || "",
    filter: filter,
    api: params.get("api") || ""
  });
}

function link(params) {
  return "?" + params.toString();
}

// This view filtered by key=value instead (key null: no filter), its range named.
export function filterLink(state, key, value) {
  const next = new URLSearchParams(state.search);
  FILTER_KEYS.forEach((name) => next.delete(name));
  if (key) next.set(key, value);
  if (!next.has("range")) next.set("range", state.range);
  return link(next);
}

export function rangeLink(state, range) {
  const next = new URLSearchParams(state.search);
  next.set("range", range);
  return link(next);
}

// site "": all sites.
export function siteLink(state, site) {
  const next = new URLSearchParams(state.search);
  if (site) next.set("site", site);
  else next.delete("site");
  return link(next);
}

// null for all time.
export function firstDay(range, today) {
  const spec = RANGES[range];
  if (spec.days) return today - (spec.days - 1) * DAY;
  if (spec.months) {
    const d = new Date(today);
    d.setUTCMonth(d.getUTCMonth() - spec.months);
    return d.getTime() + DAY;
  }
  return null;
}

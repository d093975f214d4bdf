/* footfall dashboard: the view state, read from the address once per navigation, and the
 * addresses a click leads to (tests/js/state.test.js). */

import { listOf } from "./dimensions.js";
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

// search: "?range=7d&browser=Firefox&country=DE". filters: [{key, value, label}] in the
// address's order (the order they were added), one per dimension (its first value); empty: no
// filter. site and api: "" when not given.
export function readState(search) {
  const params = new URLSearchParams(search);
  const asked = params.get("range");
  const range = Object.prototype.hasOwnProperty.call(RANGES, asked) ? asked : DEFAULT_RANGE;
  const filters = [];
  params.forEach((value, key) => {
    const list = listOf(key);
    if (list && value && !filters.some((filter) => filter.key === key)) {
      filters.push(Object.freeze({ key: key, value: value, label: list.label }));
    }
  });
  return Object.freeze({
    search: params.toString(),
    range: range,
    rangeGiven: params.has("range"),
    site: params.get("site") || "",
    filters: Object.freeze(filters),
    api: params.get("api") || ""
  });
}

function link(params) {
  return "?" + params.toString();
}

// This view with key=value as that dimension's filter: added after the others, or in place of
// its value (set keeps the place). value null: that dimension's filter removed. The range is
// named, so the link shows the same days whatever the default.
export function filterLink(state, key, value) {
  const next = new URLSearchParams(state.search);
  if (value === null) next.delete(key);
  else next.set(key, value);
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

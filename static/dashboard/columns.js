/* footfall dashboard: the number columns a list can show, by the key of the API's entries
 * that they read (a dimension's `numbers` in cgi-bin/footfall/dimensions.py). */

import { conversion, duration, number, percent } from "./format.js";

// head: the column's heading; cell: what a row shows; more: shown on a phone on demand only.
export const COLUMNS = {
  visitors: { head: "Visitors", cell: (row) => number.format(row.visitors || 0) },
  pageviews: { head: "Views", cell: (row) => number.format(row.pageviews || 0) },
  entries: { head: "Entries", cell: (row) => number.format(row.entries || 0), more: true },
  bounces: { head: "Bounce rate", cell: (row) => percent(row.bounces, row.entries), more: true },
  seconds: { head: "Time", cell: (row) => duration(row.seconds), more: true },
  count: { head: "Times", cell: (row) => number.format(row.count || 0) },
  conversion: { head: "Conversion", cell: (row) => conversion(row.conversion) }
};

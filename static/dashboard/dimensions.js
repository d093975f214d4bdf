/* footfall dashboard: the lists of the API's answer, one row each, in the page's order; their
 * sections, filters and chips derive from it (docs/dashboard.md: adding a list). */

import { conversion, duration, number, percent } from "./format.js";

const VISITORS = { head: "Visitors", cell: (row) => number.format(row.visitors || 0) };
const VIEWS = { head: "Views", cell: (row) => number.format(row.pageviews || 0) };

export const LISTS = [
  { box: "pages", list: "pages", key: "page", label: "Page", title: "Top pages", name: "Page",
    columns: [VISITORS, VIEWS,
      { head: "Entries", cell: (row) => number.format(row.entries || 0), more: true },
      { head: "Bounce rate", cell: (row) => percent(row.bounces, row.entries), more: true },
      { head: "Time", cell: (row) => duration(row.seconds), more: true }],
    none: "No pages in this range." },
  { box: "events", list: "events", key: "event", label: "Event", title: "Events and goals",
    name: "Event",
    columns: [VISITORS,
      { head: "Times", cell: (row) => number.format(row.count || 0) },
      { head: "Conversion", cell: (row) => conversion(row.conversion) }],
    none: "No events in this range." },
  { box: "refs", list: "referrers", key: "ref", label: "Referrer",
    title: "Referrers and sources", name: "Referrer or source", columns: [VISITORS, VIEWS],
    none: "No visits came from other sites in this range." },
  { box: "campaigns", list: "campaigns", key: "campaign", label: "Campaign", title: "Campaigns",
    name: "Campaign", columns: [VISITORS, VIEWS],
    none: "No visits came from a campaign link (utm_campaign) in this range." },
  { box: "countries", list: "countries", key: "country", label: "Country", title: "Countries",
    name: "Country", columns: [VISITORS, VIEWS], none: "No countries in this range." },
  { box: "browsers", list: "browsers", key: "browser", label: "Browser", title: "Browsers",
    name: "Browser", columns: [VISITORS, VIEWS], none: "No browsers in this range." },
  { box: "systems", list: "systems", key: "os", label: "System", title: "Systems",
    name: "System", columns: [VISITORS, VIEWS], none: "No systems in this range." },
  { box: "devices", list: "devices", key: "device", label: "Device", title: "Devices",
    name: "Device", columns: [VISITORS, VIEWS], none: "No devices in this range." },
  { box: "languages", list: "languages", key: "language", label: "Language", title: "Languages",
    name: "Language", columns: [VISITORS, VIEWS], none: "No languages in this range.",
    note: true }
];

export const FILTER_KEYS = LISTS.map((list) => list.key);

export function listOf(key) {
  return LISTS.find((list) => list.key === key);
}

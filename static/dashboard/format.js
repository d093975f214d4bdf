/* footfall dashboard: pure formatters, and the hourly rule (tests/js/format.test.js). Days are
 * UTC midnights in ms, as the API's; its hours are UTC-based ms of the server's wall clock. */

export const DAY = 86400000;
const DASH = "\u2013";

export const number = new Intl.NumberFormat();

// Each date format made once, on first use: toLocaleDateString makes a new formatter with each
// call, some 0.1 to 0.3 ms in Chromium, 30 times over for a month's table.
const dateFormats = {};

function dateFormat(name, options) {
  if (!dateFormats[name]) dateFormats[name] = new Intl.DateTimeFormat(undefined, options);
  return dateFormats[name];
}

export function longDate(ms) {
  return dateFormat("long", {
    timeZone: "UTC", weekday: "short", day: "numeric", month: "short", year: "numeric"
  }).format(ms);
}

export function shortDate(ms) {
  return dateFormat("short", {
    timeZone: "UTC", day: "numeric", month: "short", year: "numeric"
  }).format(ms);
}

export function iso(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

export function parseDay(text) {
  const p = text.split("-");
  return Date.UTC(+p[0], +p[1] - 1, +p[2]);
}

export function localDay(now) {
  return Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
}

// "14:00–15:00"
export function hourName(ms) {
  const h = new Date(ms).getUTCHours();
  const two = (n) => (n < 10 ? "0" : "") + n + ":00";
  return two(h) + "\u2013" + two((h + 1) % 24);
}

export function days(n) {
  return n + (n === 1 ? " day" : " days");
}

export function plural(n, one, many) {
  return number.format(n) + (n === 1 ? " " + one : " " + many);
}

// "38%", or a dash when there is nothing to divide.
export function percent(part, whole) {
  return typeof part === "number" && whole ? Math.round((part / whole) * 100) + "%" : DASH;
}

// An event's conversion, a share of 1: "4.1%".
export function conversion(share) {
  return typeof share === "number" ? (Math.round(share * 1000) / 10).toFixed(1) + "%" : DASH;
}

// "45 s", "2 min 5 s"; a dash when nothing was timed.
export function duration(seconds) {
  if (typeof seconds !== "number") return DASH;
  const s = Math.round(seconds);
  return s < 60 ? s + " s" : Math.floor(s / 60) + " min " + (s % 60) + " s";
}

// [direction (null, "same", "up" or "down"), text] of a total against the days before.
export function change(now, before, label) {
  const against = " vs previous " + label;
  if (!before) {
    return [null, now ? "no data for the previous " + label
      : "none in the previous " + label + " either"];
  }
  const pct = Math.round(((now - before) / before) * 100);
  if (now === before || pct === 0) {
    return ["same", (now === before ? "no change" : "about the same") + against];
  }
  if (pct > 0) return ["up", "+" + number.format(pct) + "%" + against];
  return ["down", "\u2212" + number.format(-pct) + "%" + against];
}

// An access log, the pixel and the jQuery snippet report no time.
export function timeNote(totals) {
  if (typeof totals.seconds !== "number") return "no visit was timed";
  if (typeof totals.timed === "number" && totals.timed < totals.visitors) {
    return number.format(totals.timed) + " of " + number.format(totals.visitors) +
      " visits timed";
  }
  return "visible, on average";
}

// Lest "2 visitors" of the languages read as the whole of 641 visits (or of those listed).
export function languagesNote(totals) {
  const untold = totals.without_language;
  if (!(typeof untold === "number" && untold > 0)) return "";
  return number.format(untold) + " of " + number.format(listed(totals)) +
    " visits told no language: an access log does not record it.";
}

// The visits the lists hold ("listed", docs/api.md).
function listed(totals) {
  return typeof totals.listed === "number" ? totals.listed : totals.visitors;
}

// Lest a pages list of 8 visitors under 145 visits read as a bug; "" when none was left out.
export function listedNote(totals) {
  if (listed(totals) >= totals.visitors) return "";
  return "The lists count " + number.format(totals.listed) + " of " +
    number.format(totals.visitors) + " visits: the others had traits too rare on their " +
    "day to keep (privacy).";
}

// {note, why} of the unique visitors: the note under the number, and why it is a dash (its
// title; "" when counted). filters: how many are in force.
export function uniqueNote(totals, filters) {
  const counted = typeof totals.unique === "number";
  if (!counted && filters > 1) {
    return { note: "not counted under two filters",
      why: "Different people are not counted under two or more filters: the day records " +
        "that combine filters keep nothing that tells one visitor from another." };
  }
  return { note: UNIQUE_NOTES[totals.unique_by] || UNIQUE_NOTES.range,
    why: counted ? "" : "The API gave no count of different people for this view." };
}

// How the API counted the range's people (docs/api.md, "unique_by"): in one go, a month at a
// time, or, on days of a month gone by that keeps no number of its people, a day at a time.
const UNIQUE_NOTES = {
  range: "different people in this range",
  month: "counted once per month",
  day: "counted once per day in months gone by",
};

// Under two filters the API counts only days it kept records of: from when, if the range
// starts earlier ("records_from", docs/api.md).
export function recordsNote(answer) {
  return typeof answer.records_from === "string" ? "Two filters count only the days from " +
    longDate(parseDay(answer.records_from)) + " on: earlier days were kept without the " +
    "records that combine filters." : "";
}

// The days are the server's: its zone is named when it is not this browser's (here).
export function zoneNote(zone, here) {
  const plain = (name) => name.replace(/^Etc\//, "");
  return zone && plain(zone) !== plain(here || "") ? " (days in " + zone + ")" : "";
}

// "before 41/day → after 67/day (+63%)"
export function beforeAfter(note) {
  const perDay = (n) => number.format(Math.round(n)) + "/day";
  if (note.before === null && note.after === null) return "no visitors data around this day";
  if (note.before === null) return "after " + perDay(note.after) + " (no data before)";
  if (note.after === null) return "before " + perDay(note.before) + " (no data after yet)";
  let text = "before " + perDay(note.before) + " \u2192 after " + perDay(note.after);
  if (note.before > 0) {
    const pct = Math.round(((note.after - note.before) / note.before) * 100);
    text += " (" + (pct > 0 ? "+" : pct < 0 ? "\u2212" : "\u00B1") +
      number.format(Math.abs(pct)) + "%)";
  }
  return text;
}

let languageNames = null;
try {
  languageNames = new Intl.DisplayNames(undefined, { type: "language" });
} catch (e) {
  /* an older browser: language codes as they are */
}

// How a list's value reads: countries by name, devices and languages in words.
export function shown(key, row) {
  const value = row[key];
  if (value === "" || value === null || value === undefined) return "Unknown";
  if (key === "country") return row.name ? row.name + " (" + value + ")" : String(value);
  if (key === "device") return value.charAt(0).toUpperCase() + value.slice(1);
  if (key === "language" && languageNames) {
    try {
      const name = languageNames.of(value);
      return name && name !== value ? name + " (" + value + ")" : String(value);
    } catch (e) {
      return String(value);
    }
  }
  return String(value);
}

/* ---- the hourly rule ---- */

// The server's wall clock at now (a Date) as the API's hours are: read in the zone the API
// names, or on the browser's own wall for a zone it does not know (such as "BST").
export function serverClock(zone, now) {
  const at = {};
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric",
      month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" })
      .formatToParts(now).forEach((part) => {
        at[part.type] = +part.value;
      });
    return Date.UTC(at.year, at.month - 1, at.day, at.hour, at.minute);
  } catch (e) {
    return Date.UTC(now.getFullYear(), now.getMonth(), now.getDate(), now.getHours(),
      now.getMinutes());
  }
}

// {visits, views, hourly} of the chart: for Today the hours begun at now (the hours to come
// are not zeros yet: drawn as such, 02:00 would look like a crash), else the days.
export function chartSeries(answer, range, now) {
  const hours = answer.hours;
  if (!(range === "today" && hours && Array.isArray(hours.visitors))) {
    return { visits: answer.visitors, views: answer.pageviews, hourly: false };
  }
  const clock = answer.to === answer.today ? serverClock(answer.timezone, now) : Infinity;
  const begun = Math.max(hours.visitors.filter((hour) => hour[0] <= clock).length, 1);
  return { visits: hours.visitors.slice(0, begun), views: hours.pageviews.slice(0, begun),
    hourly: true };
}

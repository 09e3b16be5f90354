// The timeline: events per period, stacked by quad class, on a true time axis (every period
// from the first event day to the last has its place, empty or not). Dragging over it picks
// a date range (a click picks one period); the page filters every view by that range.
import { QUADS, QUAD_LABELS, allPages, svg, svgPoint, withParams } from "./dom.js";

const DAY = 86_400_000;
const UNITS = ["day", "week", "month", "year"];
const UNIT_NAMES = { day: "days", week: "weeks", month: "months", year: "years" };
const MAX_BARS = 160; // the automatic period keeps the bars at most this many
const MAX_ROWS = 20_000; // count rows read at most (a day-by-day timeline of decades)
const WIDTH = 600;
const HEIGHT = 180;
const LEFT = 30;
const RIGHT = 6;
const BOTTOM = 22;
const TOP = 6;

// -- dates, in UTC milliseconds -------------------------------------------------------------

// "2024-05-17", "2024-05" or "2024" -> the first day it names.
export function parseDay(text) {
  const [year, month = 1, day = 1] = String(text).split("-").map(Number);
  return Date.UTC(year, month - 1, day);
}

export function isoDay(time) {
  return new Date(time).toISOString().slice(0, 10);
}

function periodStart(time, unit) {
  const date = new Date(time);
  if (unit === "day") return time;
  if (unit === "week") return time - ((date.getUTCDay() + 6) % 7) * DAY; // Monday, as the API
  if (unit === "month") return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  return Date.UTC(date.getUTCFullYear(), 0, 1);
}

function nextPeriod(start, unit) {
  const date = new Date(start);
  if (unit === "day") return start + DAY;
  if (unit === "week") return start + 7 * DAY;
  if (unit === "month") return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  return Date.UTC(date.getUTCFullYear() + 1, 0, 1);
}

// How many periods after `first` (a period start) the period holding `time` is.
function periodIndex(time, first, unit) {
  const start = periodStart(time, unit);
  if (unit === "day") return Math.round((start - first) / DAY);
  if (unit === "week") return Math.round((start - first) / (7 * DAY));
  const [a, b] = [new Date(first), new Date(start)];
  const years = b.getUTCFullYear() - a.getUTCFullYear();
  return unit === "year" ? years : years * 12 + b.getUTCMonth() - a.getUTCMonth();
}

function periodKey(start, unit) {
  const day = isoDay(start);
  return unit === "month" ? day.slice(0, 7) : unit === "year" ? day.slice(0, 4) : day;
}

// The finest period that keeps the span to MAX_BARS bars.
export function chooseUnit(firstDay, lastDay) {
  const [first, last] = [parseDay(firstDay), parseDay(lastDay)];
  for (const unit of UNITS) {
    if (periodIndex(last, periodStart(first, unit), unit) + 1 <= MAX_BARS) return unit;
  }
  return "year";
}

// The automatic view shows the bulk of the dates: leading years that together hold at most
// OUTLIER_SHARE of the events and would stretch the axis to more than OUTLIER_STRETCH times the
// bulk's span (one event dated 1848 in a 2012-2020 database) are left out, and the note says
// so. The last date is always shown.
const OUTLIER_SHARE = 0.01;
const OUTLIER_STRETCH = 3;

export function outlyingYears(items, span) {
  const years = items.filter((r) => r.key != null).map((r) => [Number(String(r.key).slice(0, 4)), r.events]);
  years.sort((a, b) => a[0] - b[0]);
  const total = years.reduce((n, [, e]) => n + e, 0);
  const last = Number(span.last_day.slice(0, 4));
  let dropped = 0;
  let k = 0;
  while (k < years.length - 1 && dropped + years[k][1] <= OUTLIER_SHARE * total) dropped += years[k++][1];
  if (!k) return null;
  const first = years[0][0];
  const bulk = years[k][0];
  if (last - first + 1 <= OUTLIER_STRETCH * (last - bulk + 1)) return null;
  return { events: dropped, from: span.first_day, to: `${bulk}-01-01` };
}

// -- the drawing -------------------------------------------------------------------------

export function createTimeline(box, note, { onRange, pageSize }) {
  let drawn = 0; // the latest draw: an older one that finishes later is dropped
  let axis = null; // {first, unit, slots, step} of the drawing on screen

  async function draw(params, range, choice) {
    const id = ++drawn;
    let unit = choice;
    let query = params;
    let left = null; // {events, from, to}: outlying early years this automatic view leaves out
    if (choice === "auto") {
      // One small question first: the events per year under the filters.
      const years = await allPages("counts", withParams(params, { by: "year" }), pageSize(), 1000);
      const span = years.first;
      left = span && span.first_day ? outlyingYears(years.items, span) : null;
      const from = left ? left.to : span && span.first_day;
      unit = from ? chooseUnit(from, span.last_day) : "month";
      if (left) query = withParams(params, { since: left.to });
    }
    const rows = await allPages("counts", withParams(query, { by: unit, split: "true" }), pageSize(), MAX_ROWS);
    if (id !== drawn) return;
    render(rows, unit, range, left);
  }

  function render({ first: span, items, total }, unit, range, left = null) {
    const root = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": "events over time" });
    const messages = [];
    if (!span || !span.first_day) {
      root.append(svg("text", { x: WIDTH / 2, y: HEIGHT / 2, "text-anchor": "middle" }, "no events"));
      box.replaceChildren(root);
      note.textContent = span && span.undated ? `${span.undated} event rows without a day` : "";
      axis = null;
      return;
    }
    const first = periodStart(parseDay(span.first_day), unit);
    const slots = periodIndex(parseDay(span.last_day), first, unit) + 1;
    const stacks = Array.from({ length: slots }, () => ({}));
    for (const row of items) {
      if (row.key === null || row.key === undefined) continue;
      const i = periodIndex(parseDay(row.key), first, unit);
      if (i < 0 || i >= slots) continue;
      stacks[i][row.quad] = (stacks[i][row.quad] || 0) + row.events;
    }
    const sums = stacks.map((s) => Object.values(s).reduce((a, b) => a + b, 0));
    const max = Math.max(1, ...sums);
    const plot = HEIGHT - BOTTOM - TOP;
    const step = (WIDTH - LEFT - RIGHT) / slots;
    const barWidth = Math.max(Math.min(step, 0.6), Math.min(40, step * 0.85));
    const x = (i) => LEFT + i * step;
    const starts = [first];
    for (let i = 1; i <= slots; i++) starts.push(nextPeriod(starts[i - 1], unit));
    axis = { first, unit, slots, step, starts };

    const [lo, hi] = selectedSlots(range);
    if (lo !== null) {
      root.append(svg("rect", { class: "selection", x: x(lo).toFixed(2), y: TOP, width: (x(hi + 1) - x(lo)).toFixed(2), height: plot }));
    }
    root.append(svg("line", { class: "axis", x1: LEFT, x2: WIDTH - RIGHT, y1: HEIGHT - BOTTOM, y2: HEIGHT - BOTTOM }));
    root.append(svg("text", { x: 2, y: TOP + 8 }, String(max)));
    root.append(svg("text", { x: 2, y: HEIGHT - BOTTOM }, "0"));
    const bars = svg("g", { class: "bars" });
    stacks.forEach((stack, i) => {
      if (!sums[i]) return;
      let y = HEIGHT - BOTTOM;
      const left = x(i) + (step - barWidth) / 2;
      const key = periodKey(starts[i], unit);
      const outside = lo !== null && (i < lo || i > hi);
      for (const quad of QUADS) {
        const n = stack[quad] || 0;
        if (!n) continue;
        const h = (n / max) * plot;
        y -= h;
        bars.append(svg(
          "rect",
          {
            class: `bar q-${quad}${outside ? " out" : ""}`,
            x: left.toFixed(2), y: y.toFixed(2), width: barWidth.toFixed(2), height: h.toFixed(2),
            "data-key": key, "data-start": isoDay(starts[i]), "data-end": isoDay(starts[i + 1] - DAY),
          },
          svg("title", {}, `${key}: ${n} ${QUAD_LABELS[quad]} (${sums[i]} in all)`),
        ));
      }
    });
    root.append(bars);
    // Ticks on every k-th period: at most 7 labels, each at its period's start.
    const every = Math.max(1, Math.ceil(slots / 7));
    for (let i = 0; i < slots; i += every) {
      const at = Math.min(Math.max(x(i) + step / 2, LEFT + 24), WIDTH - RIGHT - 24);
      root.append(svg("line", { class: "tick", x1: x(i).toFixed(2), x2: x(i).toFixed(2), y1: HEIGHT - BOTTOM, y2: HEIGHT - BOTTOM + 3 }));
      root.append(svg("text", { x: at.toFixed(2), y: HEIGHT - 6, "text-anchor": "middle" }, periodKey(starts[i], unit)));
    }
    Object.assign(root.dataset, {
      unit, slots: String(slots), first: periodKey(first, unit), last: periodKey(starts[slots - 1], unit),
      firstDay: span.first_day, lastDay: span.last_day,
    });
    brushable(root);
    box.replaceChildren(root);

    messages.push(`by ${unit}: ${slots} ${UNIT_NAMES[unit]}, ${span.first_day} to ${span.last_day}`);
    if (total > items.length) messages.push(`cut: ${items.length} of ${total} period rows read; choose a longer period`);
    if (span.undated) messages.push(`${span.undated} event rows without a day not shown`);
    if (left) messages.push(`${left.events} events from ${left.from} to before ${left.to} not shown here (far from the rest); choose "year" to see them`);
    note.textContent = messages.join("; ");
    note.classList.toggle("error", total > items.length);
  }

  function selectedSlots(range) {
    if (!axis || !range || (!range.since && !range.until)) return [null, null];
    const lo = range.since ? periodIndex(parseDay(range.since), axis.first, axis.unit) : 0;
    const hi = range.until ? periodIndex(parseDay(range.until), axis.first, axis.unit) : axis.slots - 1;
    const [a, b] = [Math.max(0, lo), Math.min(axis.slots - 1, hi)];
    return a > b ? [null, null] : [a, b];
  }

  function slotAt(root, clientX) {
    const { x } = svgPoint(root, clientX, 0);
    return Math.min(axis.slots - 1, Math.max(0, Math.floor((x - LEFT) / axis.step)));
  }

  // Drag to choose a range of periods; a click chooses one period.
  function brushable(root) {
    let from = null;
    let live = null;
    const show = (a, b) => {
      const [lo, hi] = [Math.min(a, b), Math.max(a, b)];
      live.setAttribute("x", (LEFT + lo * axis.step).toFixed(2));
      live.setAttribute("width", ((hi - lo + 1) * axis.step).toFixed(2));
    };
    root.addEventListener("pointerdown", (e) => {
      if (e.button !== 0 || !axis) return;
      e.preventDefault();
      root.setPointerCapture(e.pointerId);
      from = slotAt(root, e.clientX);
      live = svg("rect", { class: "brush", y: TOP, height: HEIGHT - BOTTOM - TOP });
      root.append(live);
      show(from, from);
    });
    root.addEventListener("pointermove", (e) => {
      if (from !== null) show(from, slotAt(root, e.clientX));
    });
    root.addEventListener("pointerup", (e) => {
      if (from === null) return;
      const to = slotAt(root, e.clientX);
      const [lo, hi] = [Math.min(from, to), Math.max(from, to)];
      from = null;
      onRange({ since: isoDay(axis.starts[lo]), until: isoDay(axis.starts[hi + 1] - DAY) });
    });
    root.addEventListener("pointercancel", () => {
      from = null;
      if (live) live.remove();
    });
  }

  return { draw };
}

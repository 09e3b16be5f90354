// eventscope's page: plain JavaScript modules over the JSON API of the same server; nothing is
// loaded from elsewhere. Text from the database is always set as text, never as HTML.
// This module holds the filters, the event list, the evidence panel and the paste box; the
// map, the timeline and the network are modules of their own, told what to draw.
import { QUADS, QUAD_LABELS, api, el, withParams } from "./dom.js";
import { createMap } from "./map.js";
import { createNetwork } from "./network.js";
import { createTimeline } from "./timeline.js";

const PAGE = 50;

const state = { filters: new URLSearchParams(), offset: 0, pageSize: 500, views: null };

// -- small helpers -------------------------------------------------------------------------

function actorLabel(actors) {
  if (!actors || !actors.length) return "?";
  return actors
    .map((a) => `${a.name || a.text}${a.country ? ` [${a.country}${a.sector ? "/" + a.sector : ""}]` : ""}`)
    .join(", ");
}

function badge(type, quad) {
  return el("span", { class: `badge q-${quad || "none"}`, title: QUAD_LABELS[quad] || "" }, type);
}

function showError(message) {
  document.getElementById("f-error").textContent = message || "";
}

const byId = (id) => document.getElementById(id);

// -- filters -----------------------------------------------------------------------------------

function readFilters() {
  const params = new URLSearchParams();
  for (const [key, value] of new FormData(byId("filters"))) {
    if (String(value).trim()) params.set(key, String(value).trim());
  }
  return params;
}

function fillSelect(id, values, label) {
  const select = byId(id);
  const keep = select.value;
  select.replaceChildren(el("option", { value: "" }, "any"));
  for (const item of values) {
    select.append(el("option", { value: item.value }, `${label ? label(item.value) : item.value} (${item.events})`));
  }
  select.value = keep;
}

async function loadFacets() {
  const facets = await api("facets");
  fillSelect("f-country", facets.countries);
  fillSelect("f-type", facets.types);
  fillSelect("f-quad", facets.quads, (q) => QUAD_LABELS[q] || q);
  fillSelect("f-factuality", facets.factualities);
  fillSelect("f-acled", facets.acled || []);
  const health = await api("health");
  state.pageSize = health.page_size || state.pageSize;
  byId("summary").textContent =
    `${health.articles} articles, ${health.events} events` +
    (facets.first_day ? `, ${facets.first_day} to ${facets.last_day}` : "") +
    (health.writes ? "" : " (read-only: no token set)");
}

// The filters without a form field of their own (a place, an actor, a date range) show as
// chips: a click on the chip removes that filter.
function showChips() {
  const place = byId("f-bbox").value;
  byId("f-place").hidden = !place;
  byId("f-place").textContent = place ? `place: ${byId("f-bbox").dataset.name} ✕` : "";
  const actor = byId("f-actor-id").value;
  byId("f-actor-chip").hidden = !actor;
  byId("f-actor-chip").textContent = actor ? `actor: ${byId("f-actor-id").dataset.name} ✕` : "";
  const [since, until] = [byId("f-since").value, byId("f-until").value];
  const dated = Boolean(since || until);
  byId("f-dates").hidden = !dated;
  byId("f-dates").textContent = dated ? `dates: ${since || "…"} to ${until || "…"} ✕` : "";
  byId("t-clear").hidden = !dated;
}

function setPlace(place) {
  byId("f-bbox").value = place ? place.bbox : "";
  byId("f-bbox").dataset.name = place ? place.name : "";
}

function setActor(actor) {
  byId("f-actor-id").value = actor ? actor.id : "";
  byId("f-actor-id").dataset.name = actor ? actor.name : "";
}

function setDates(range) {
  byId("f-since").value = range ? range.since || "" : "";
  byId("f-until").value = range ? range.until || "" : "";
}

// -- the event list ----------------------------------------------------------------------------

let listed = 0; // the latest list asked for: an older answer arriving later is dropped

// ACLED's sub-event type and the stated death toll, where the event has them.
function acledLabel(event) {
  if (!event.acled_sub_event_type) return [];
  const dead = event.fatalities != null ? ` · ${event.fatalities} killed` : "";
  return [el("br"), el("span", { class: "acled", title: `ACLED: ${event.acled_event_type}` },
    `${event.acled_sub_event_type}${dead}`)];
}

async function loadEvents(append) {
  if (!append) state.offset = 0;
  const id = ++listed;
  const limit = Math.min(PAGE, state.pageSize);
  const data = await api("events", withParams(state.filters, { limit, offset: state.offset }));
  if (id !== listed) return;
  const body = document.querySelector("#events tbody");
  if (!append) body.replaceChildren();
  for (const event of data.items) {
    const row = el(
      "tr",
      { "data-event": event.id, "data-day": event.day || "", onclick: () => showEvent(event.id, row) },
      el("td", {}, event.day || event.date || "?"),
      el("td", {}, badge(event.type, event.quad), " ", el("span", { class: "fact" }, event.factuality),
        ...acledLabel(event)),
      el("td", {}, `${actorLabel(event.source)} → ${actorLabel(event.target)}`),
      el("td", {}, event.place_name ? `${event.place_name} [${event.place_country || "?"}]` : ""),
      el("td", {}, event.evidence || ""),
    );
    body.append(row);
  }
  state.offset += data.items.length;
  byId("events-note").textContent = `${data.total} events` + (data.total > state.offset ? `, ${state.offset} shown` : "");
  byId("events-more").hidden = state.offset >= data.total;
}

// -- an article with its evidence highlighted -------------------------------------------------

// Character ranges -> nested spans: every boundary splits the text; each piece gets the
// classes of the ranges that cover it (offsets are those stored with the event), and the
// title of the first that has one.
function highlighted(text, ranges) {
  const usable = ranges.filter((r) => r.start !== null && r.end !== null && r.start !== undefined && r.end !== undefined);
  const cuts = new Set([0, text.length]);
  for (const r of usable) {
    cuts.add(Math.max(0, Math.min(text.length, r.start)));
    cuts.add(Math.max(0, Math.min(text.length, r.end)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    if (a === b) continue;
    const covering = usable.filter((r) => r.start <= a && r.end >= b);
    const piece = text.slice(a, b);
    if (!covering.length) {
      out.push(document.createTextNode(piece));
      continue;
    }
    const titled = covering.find((r) => r.title);
    out.push(el("span", { class: [...new Set(covering.map((r) => r.cls))].join(" "), title: titled ? titled.title : null }, piece));
  }
  return out;
}

function eventRanges(event, focused) {
  const ranges = [];
  if (focused && event.sentence_span) ranges.push({ ...event.sentence_span, cls: "hl-sentence" });
  ranges.push({ start: event.trigger_start, end: event.trigger_end, cls: focused ? "hl-trigger" : "hl-other" });
  if (focused) {
    for (const a of event.source || []) ranges.push({ start: a.start, end: a.end, cls: "hl-source" });
    for (const a of event.target || []) ranges.push({ start: a.start, end: a.end, cls: "hl-target" });
  }
  return ranges;
}

// Sentences extraction skipped (page furniture, captions ...), greyed, the reason as title.
function skippedRanges(article) {
  return (article.skipped || []).map((s) => ({
    start: s.start, end: s.end, cls: "skipped", title: `skipped: ${s.reason || s.flag}`,
  }));
}

function keys() {
  return el("div", { class: "keys" },
    el("span", { class: "hl-sentence" }, "evidence sentence"),
    el("span", { class: "hl-trigger" }, "trigger"),
    el("span", { class: "hl-source" }, "source"),
    el("span", { class: "hl-target" }, "target"),
    el("span", { class: "skipped" }, "skipped (not coded)"));
}

function articleView(article, ranges) {
  return el("div", { class: "article", id: "article-text" },
    el("h3", {}, article.title || article.id),
    el("div", { class: "muted" }, [article.published, article.outlet, article.url].filter(Boolean).join(" · ")),
    "\n", ...highlighted(article.text, [...skippedRanges(article), ...ranges]));
}

// Scroll the article box (not the page) so that the evidence sentence is in view: centred
// when it fits, else from the trigger on.
function revealEvidence(box) {
  const pieces = [...box.querySelectorAll(".hl-sentence, .hl-trigger")];
  if (!pieces.length) return;
  const rects = pieces.map((p) => p.getBoundingClientRect());
  const top = Math.min(...rects.map((r) => r.top));
  const bottom = Math.max(...rects.map((r) => r.bottom));
  const frame = box.getBoundingClientRect();
  const visibleTop = frame.top + box.clientTop;
  const trigger = box.querySelector(".hl-trigger");
  if (bottom - top <= box.clientHeight - 8 || !trigger) {
    box.scrollTop += top - visibleTop - (box.clientHeight - (bottom - top)) / 2;
  } else {
    box.scrollTop += trigger.getBoundingClientRect().top - visibleTop - 8;
  }
}

let shownEvent = 0; // the latest click: an older answer arriving later is dropped

async function showEvent(id, row) {
  const click = ++shownEvent;
  for (const selected of document.querySelectorAll("#events tr.selected")) selected.classList.remove("selected");
  if (row) row.classList.add("selected");
  const event = await api(`events/${encodeURIComponent(id)}`);
  if (click !== shownEvent) return;
  const place = event.place_name ? `${event.place_name} [${event.place_country || "?"}]` : "-";
  const facts = el("dl", { class: "facts" },
    el("dt", {}, "event"), el("dd", {}, badge(event.type, event.quad), ` ${event.factuality}`,
      event.cameo ? ` · CAMEO ${event.cameo}` : "", event.mode ? ` · ${event.mode}` : ""),
    ...(event.acled_sub_event_type ? [el("dt", {}, "ACLED"), el("dd", { class: "acled" },
      `${event.acled_event_type} / ${event.acled_sub_event_type}`,
      event.fatalities != null ? ` · fatalities ${event.fatalities}` : "",
      event.inter1 != null || event.inter2 != null ? ` · inter ${event.inter1 ?? "-"}${event.inter2 ?? ""}` : "")] : []),
    el("dt", {}, "who → whom"), el("dd", {}, `${actorLabel(event.source)} → ${actorLabel(event.target)}`),
    el("dt", {}, "when, where"), el("dd", {}, `${event.day || event.date || "?"} · ${place}`),
    el("dt", {}, "trigger"), el("dd", { id: "detail-trigger" }, event.trigger_text || ""));
  const reports = (event.reports || []).filter((r) => r.event_id !== event.id);
  const more = reports.length
    ? el("div", {}, el("strong", {}, `Also reported in ${reports.length}:`),
        el("ul", {}, reports.map((r) => el("li", {}, `${r.published || "?"} ${r.outlet || r.title || r.article_id}: ${r.evidence || ""}`))))
    : null;
  const detail = byId("detail");
  detail.classList.remove("muted");
  const article = articleView(event.article, eventRanges(event, true));
  detail.replaceChildren(...[facts, keys(), article, more].filter(Boolean));
  detail.dataset.event = event.id;
  revealEvidence(article);
}

// -- the paste box -------------------------------------------------------------------------------

async function codeArticle(submitEvent) {
  submitEvent.preventDefault();
  const out = byId("paste-result");
  const payload = { text: byId("p-text").value };
  const title = byId("p-title").value.trim();
  const published = byId("p-published").value;
  if (title) payload.title = title;
  if (published) payload.published = published;
  out.replaceChildren(el("span", { class: "muted" }, "coding..."));
  const response = await fetch("/api/articles", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${byId("p-token").value}` },
    body: JSON.stringify(payload),
  });
  const body = await response.json();
  if (!response.ok) {
    out.replaceChildren(el("span", { class: "error" }, `${response.status}: ${body.message || "failed"}`));
    return;
  }
  const article = body.article;
  const events = article.events || [];
  const ranges = events.flatMap((e) => [
    ...(e.sentence_span ? [{ ...e.sentence_span, cls: "hl-sentence" }] : []),
    { start: e.trigger_start, end: e.trigger_end, cls: "hl-trigger" },
    ...(e.source || []).map((a) => ({ start: a.start, end: a.end, cls: "hl-source" })),
    ...(e.target || []).map((a) => ({ start: a.start, end: a.end, cls: "hl-target" })),
  ]);
  out.replaceChildren(
    el("p", {}, `${body.outcome === "stored" ? "Stored" : "Already stored"}: ${events.length} events.`),
    el("ul", { class: "coded" }, events.map((e) =>
      el("li", {}, badge(e.type, e.quad), ` ${e.factuality} · ${actorLabel(e.source)} → ${actorLabel(e.target)}: ${e.evidence || ""}`))),
    keys(),
    articleView(article, ranges),
  );
  await Promise.all([loadFacets(), refresh()]);
}

// -- wiring ---------------------------------------------------------------------------------------

function drawTimeline() {
  // The timeline shows the whole range under the other filters, the chosen dates shaded.
  const params = withParams(state.filters, { since: null, until: null });
  const range = { since: state.filters.get("since"), until: state.filters.get("until") };
  return state.views.timeline.draw(params, range, byId("t-unit").value);
}

function drawNetwork() {
  return state.views.network.draw(state.filters, {
    generic: byId("n-generic").checked,
    selected: state.filters.get("actor_id"),
  });
}

async function refresh() {
  showError("");
  showChips();
  try {
    await Promise.all([state.views.map.draw(state.filters), drawTimeline(), drawNetwork(), loadEvents(false)]);
  } catch (error) {
    showError(error.message);
  }
  document.body.dataset.ready = "true";
}

function applyFilters() {
  state.filters = readFilters();
  document.body.dataset.ready = "false";
  return refresh();
}

function drawLegend() {
  byId("legend").replaceChildren(...QUADS.map((q) => el("span", {}, el("i", { class: `q-${q}` }), QUAD_LABELS[q])));
}

async function loadWorld() {
  const response = await fetch("/static/world.svg");
  const text = await response.text();
  return new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
}

const report = (promise) => promise.catch((error) => showError(error.message));

async function start() {
  drawLegend();
  byId("filters").addEventListener("submit", (e) => {
    e.preventDefault();
    applyFilters();
  });
  for (const id of ["f-country", "f-type", "f-quad", "f-factuality", "f-acled", "f-since", "f-until"]) {
    byId(id).addEventListener("change", applyFilters);
  }
  byId("f-reset").addEventListener("click", () => {
    byId("filters").reset();
    setPlace(null);
    setActor(null);
    applyFilters();
  });
  byId("f-place").addEventListener("click", () => (setPlace(null), applyFilters()));
  byId("f-actor-chip").addEventListener("click", () => (setActor(null), applyFilters()));
  byId("f-dates").addEventListener("click", () => (setDates(null), applyFilters()));
  byId("t-clear").addEventListener("click", () => (setDates(null), applyFilters()));
  for (const chip of document.querySelectorAll("#filters .chip")) {
    chip.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") (e.preventDefault(), chip.click());
    });
  }
  byId("t-unit").addEventListener("change", () => report(drawTimeline()));
  byId("n-generic").addEventListener("change", () => report(drawNetwork()));
  byId("events-more").addEventListener("click", () => report(loadEvents(true)));
  byId("paste").addEventListener("submit", (e) =>
    codeArticle(e).catch((error) => {
      byId("paste-result").replaceChildren(el("span", { class: "error" }, error.message));
    }));
  let world = null;
  try {
    [world] = await Promise.all([loadWorld(), loadFacets()]);
  } catch (error) {
    showError(error.message);
  }
  const pageSize = () => state.pageSize;
  state.views = {
    map: createMap(byId("map"), byId("map-note"), byId("map-legend"), {
      world,
      pageSize,
      onPlace: (place) => {
        const d = 0.01;
        setPlace({
          name: place.place || `${place.lat}, ${place.lon}`,
          bbox: [
            Math.max(-180, place.lon - d), Math.max(-90, place.lat - d),
            Math.min(180, place.lon + d), Math.min(90, place.lat + d),
          ].map((v) => v.toFixed(4)).join(","),
        });
        applyFilters();
      },
    }),
    timeline: createTimeline(byId("timeline"), byId("timeline-note"), {
      pageSize,
      onRange: (range) => (setDates(range), applyFilters()),
    }),
    network: createNetwork(byId("network"), byId("network-note"), {
      pageSize,
      onActor: (actor) => (setActor(actor), applyFilters()),
    }),
  };
  await applyFilters();
}

document.addEventListener("DOMContentLoaded", start);

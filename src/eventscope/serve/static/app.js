// eventscope's page: plain JavaScript over the JSON API of the same server; nothing is
// loaded from elsewhere. Text from the database is always set as text, never as HTML.
"use strict";

const QUADS = ["VERBAL_COOPERATION", "MATERIAL_COOPERATION", "VERBAL_CONFLICT", "MATERIAL_CONFLICT"];
const QUAD_LABELS = {
  VERBAL_COOPERATION: "verbal cooperation",
  MATERIAL_COOPERATION: "material cooperation",
  VERBAL_CONFLICT: "verbal conflict",
  MATERIAL_CONFLICT: "material conflict",
};
const SVG = "http://www.w3.org/2000/svg";
const PAGE = 50;

const state = { filters: new URLSearchParams(), offset: 0, selected: null, world: null };

// -- small helpers -------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(path, params) {
  const query = params ? `?${params}` : "";
  const response = await fetch(`/api/${path}${query}`);
  const body = await response.json();
  if (!response.ok) throw new Error(body.message || `${response.status}`);
  return body;
}

function withFilters(extra) {
  const params = new URLSearchParams(state.filters);
  for (const [key, value] of Object.entries(extra || {})) params.set(key, value);
  return params;
}

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

// -- filters -----------------------------------------------------------------------------------

function readFilters() {
  const form = document.getElementById("filters");
  const params = new URLSearchParams();
  for (const [key, value] of new FormData(form)) {
    if (String(value).trim()) params.set(key, String(value).trim());
  }
  return params;
}

function fillSelect(id, values, label) {
  const select = document.getElementById(id);
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
  const health = await api("health");
  document.getElementById("summary").textContent =
    `${health.articles} articles, ${health.events} events` +
    (facets.first_day ? `, ${facets.first_day} to ${facets.last_day}` : "") +
    (health.writes ? "" : " (read-only: no token set)");
}

function setPlace(place) {
  document.getElementById("f-bbox").value = place ? place.bbox : "";
  const chip = document.getElementById("f-place");
  chip.hidden = !place;
  chip.textContent = place ? `place: ${place.name} ✕` : "";
}

// -- the map -----------------------------------------------------------------------------------

async function loadWorld() {
  const response = await fetch("/static/world.svg");
  const text = await response.text();
  const doc = new DOMParser().parseFromString(text, "image/svg+xml");
  state.world = doc.documentElement;
}

async function drawMap() {
  const data = await api("places", withFilters({ limit: 500 }));
  const box = document.getElementById("map");
  const root = svg("svg", { viewBox: "-180 -85 360 145", role: "img", "aria-label": "map of events" });
  if (state.world) {
    const world = svg("g", { class: "world" });
    for (const path of state.world.querySelectorAll("path")) {
      world.append(svg("path", { d: path.getAttribute("d") }, svg("title", {}, path.getAttribute("data-name") || "")));
    }
    root.append(world);
  }
  const max = Math.max(1, ...data.items.map((p) => p.events));
  for (const place of data.items) {
    const counts = QUADS.map((q) => place[q.toLowerCase()] || 0);
    const top = QUADS[counts.indexOf(Math.max(...counts))];
    const radius = 1.2 + 3.5 * Math.sqrt(place.events / max);
    const circle = svg(
      "circle",
      {
        class: `point q-${top}`,
        cx: place.lon.toFixed(3),
        cy: (-place.lat).toFixed(3),
        r: radius.toFixed(2),
        "data-place": place.place || "",
        onclick: () => {
          const d = 0.01;
          setPlace({
            name: place.place || `${place.lat}, ${place.lon}`,
            bbox: [place.lon - d, place.lat - d, place.lon + d, place.lat + d].map((v) => v.toFixed(4)).join(","),
          });
          applyFilters();
        },
      },
      svg("title", {}, `${place.place || "?"} [${place.country || "?"}]: ${place.events} events`),
    );
    root.append(circle);
  }
  box.replaceChildren(root);
  document.getElementById("map-note").textContent =
    `${data.total} places` + (data.total > data.items.length ? ` (${data.items.length} shown)` : "");
}

// -- the timeline ----------------------------------------------------------------------------

function drawLegend() {
  const legend = document.getElementById("legend");
  legend.replaceChildren(...QUADS.map((q) => el("span", {}, el("i", { class: `q-${q}` }), QUAD_LABELS[q])));
}

async function drawTimeline() {
  const unit = document.getElementById("t-unit").value;
  const data = await api("counts", withFilters({ by: unit, split: "true", limit: 500 }));
  const keys = [];
  const stacks = new Map();
  for (const row of data.items) {
    const key = row.key || "?";
    if (!stacks.has(key)) {
      stacks.set(key, {});
      keys.push(key);
    }
    stacks.get(key)[row.quad] = (stacks.get(key)[row.quad] || 0) + row.events;
  }
  const width = 600;
  const height = 180;
  const left = 28;
  const bottom = 22;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "events over time" });
  const max = Math.max(1, ...keys.map((k) => Object.values(stacks.get(k)).reduce((a, b) => a + b, 0)));
  const plot = height - bottom - 6;
  const step = keys.length ? (width - left - 4) / keys.length : 0;
  const barWidth = Math.max(1, Math.min(40, step * 0.8));
  root.append(svg("line", { class: "axis", x1: left, x2: width, y1: height - bottom, y2: height - bottom }));
  root.append(svg("text", { x: 2, y: 12 }, String(max)));
  root.append(svg("text", { x: 2, y: height - bottom }, "0"));
  keys.forEach((key, i) => {
    let y = height - bottom;
    const x = left + i * step + (step - barWidth) / 2;
    const total = Object.values(stacks.get(key)).reduce((a, b) => a + b, 0);
    for (const quad of QUADS) {
      const n = stacks.get(key)[quad] || 0;
      if (!n) continue;
      const h = (n / max) * plot;
      y -= h;
      root.append(
        svg(
          "rect",
          { class: `bar q-${quad}`, x: x.toFixed(2), y: y.toFixed(2), width: barWidth.toFixed(2), height: h.toFixed(2), "data-key": key },
          svg("title", {}, `${key}: ${n} ${QUAD_LABELS[quad]} (${total} in all)`),
        ),
      );
    }
    const every = Math.max(1, Math.ceil(keys.length / 8));
    if (i % every === 0) {
      root.append(svg("text", { x: (x + barWidth / 2).toFixed(2), y: height - 6, "text-anchor": "middle" }, key));
    }
  });
  if (!keys.length) root.append(svg("text", { x: width / 2, y: height / 2, "text-anchor": "middle" }, "no events"));
  document.getElementById("timeline").replaceChildren(root);
}

// -- the actor network ------------------------------------------------------------------------

async function drawNetwork() {
  const data = await api("network", withFilters({ limit: 30 }));
  const nodes = new Map();
  const key = (name, country) => `${name} [${country || "?"}]`;
  for (const edge of data.items) {
    for (const [name, country] of [[edge.source, edge.source_country], [edge.target, edge.target_country]]) {
      const k = key(name, country);
      nodes.set(k, (nodes.get(k) || 0) + edge.events);
    }
  }
  const width = 640;
  const height = 440;
  const cx = width / 2;
  const cy = height / 2;
  const radius = Math.min(width, height) / 2 - 40;
  const names = [...nodes.keys()].sort((a, b) => nodes.get(b) - nodes.get(a));
  const at = new Map();
  names.forEach((name, i) => {
    const angle = (2 * Math.PI * i) / Math.max(1, names.length) - Math.PI / 2;
    at.set(name, [cx + radius * Math.cos(angle), cy + radius * Math.sin(angle), angle]);
  });
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "actor network" });
  const defs = svg("defs", {});
  for (const kind of ["coop", "conflict"]) {
    defs.append(
      svg(
        "marker",
        { id: `arrow-${kind}`, viewBox: "0 0 10 10", refX: 22, refY: 5, markerWidth: 7, markerHeight: 7, markerUnits: "userSpaceOnUse", orient: "auto" },
        svg("path", { d: "M0,0 L10,5 L0,10 z", class: kind, fill: kind === "coop" ? "#2171b5" : "#cb181d" }),
      ),
    );
  }
  root.append(defs);
  const heaviest = Math.max(1, ...data.items.map((e) => e.events));
  for (const edge of data.items) {
    const [x1, y1] = at.get(key(edge.source, edge.source_country));
    const [x2, y2] = at.get(key(edge.target, edge.target_country));
    const kind = edge.conflict * 2 >= edge.events ? "conflict" : "coop";
    root.append(
      svg(
        "line",
        {
          class: `edge ${kind}`,
          x1: x1.toFixed(1), y1: y1.toFixed(1), x2: x2.toFixed(1), y2: y2.toFixed(1),
          "stroke-width": (0.8 + 4 * (edge.events / heaviest)).toFixed(2),
          "marker-end": `url(#arrow-${kind})`,
        },
        svg("title", {}, `${edge.source} -> ${edge.target}: ${edge.events} events (${edge.conflict} conflict)`),
      ),
    );
  }
  const top = Math.max(1, ...nodes.values());
  for (const name of names) {
    const [x, y, angle] = at.get(name);
    const right = Math.cos(angle) >= 0;
    root.append(
      svg("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: (2.5 + 4 * Math.sqrt(nodes.get(name) / top)).toFixed(1), class: "node" },
        svg("title", {}, `${name}: ${nodes.get(name)} events`)),
      svg("text", { x: (x + (right ? 8 : -8)).toFixed(1), y: (y + 3).toFixed(1), "text-anchor": right ? "start" : "end" }, name),
    );
  }
  if (!names.length) root.append(svg("text", { x: cx, y: cy, "text-anchor": "middle" }, "no actor pairs"));
  document.getElementById("network").replaceChildren(root);
  document.getElementById("network-note").textContent =
    `${names.length} actors, ${data.items.length} of ${data.total} pairs`;
}

// -- the event list ----------------------------------------------------------------------------

async function loadEvents(append) {
  if (!append) state.offset = 0;
  const data = await api("events", withFilters({ limit: PAGE, offset: state.offset }));
  const body = document.querySelector("#events tbody");
  if (!append) body.replaceChildren();
  for (const event of data.items) {
    const row = el(
      "tr",
      { "data-event": event.id, onclick: () => showEvent(event.id, row) },
      el("td", {}, event.day || event.date || "?"),
      el("td", {}, badge(event.type, event.quad), " ", el("span", { class: "fact" }, event.factuality)),
      el("td", {}, `${actorLabel(event.source)} → ${actorLabel(event.target)}`),
      el("td", {}, event.place_name ? `${event.place_name} [${event.place_country || "?"}]` : ""),
      el("td", {}, event.evidence || ""),
    );
    body.append(row);
  }
  state.offset += data.items.length;
  document.getElementById("events-note").textContent = `${data.total} events` +
    (data.total > state.offset ? `, ${state.offset} shown` : "");
  document.getElementById("events-more").hidden = state.offset >= data.total;
}

// -- an article with its evidence highlighted -------------------------------------------------

// Character ranges -> nested spans: every boundary splits the text; each piece gets the
// classes of the ranges that cover it (offsets are those stored with the event).
function highlighted(text, ranges) {
  const cuts = new Set([0, text.length]);
  for (const r of ranges) {
    if (r.start === null || r.end === null || r.start === undefined || r.end === undefined) continue;
    cuts.add(Math.max(0, Math.min(text.length, r.start)));
    cuts.add(Math.max(0, Math.min(text.length, r.end)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    if (a === b) continue;
    const classes = ranges.filter((r) => r.start <= a && r.end >= b).map((r) => r.cls);
    const piece = text.slice(a, b);
    out.push(classes.length ? el("span", { class: [...new Set(classes)].join(" ") }, piece) : document.createTextNode(piece));
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

function keys() {
  return el("div", { class: "keys" },
    el("span", { class: "hl-sentence" }, "evidence sentence"),
    el("span", { class: "hl-trigger" }, "trigger"),
    el("span", { class: "hl-source" }, "source"),
    el("span", { class: "hl-target" }, "target"));
}

function articleView(article, ranges) {
  return el("div", { class: "article", id: "article-text" },
    el("h3", {}, article.title || article.id),
    el("div", { class: "muted" }, [article.published, article.outlet, article.url].filter(Boolean).join(" · ")),
    "\n", ...highlighted(article.text, ranges));
}

async function showEvent(id, row) {
  for (const selected of document.querySelectorAll("#events tr.selected")) selected.classList.remove("selected");
  if (row) row.classList.add("selected");
  const event = await api(`events/${encodeURIComponent(id)}`);
  const place = event.place_name ? `${event.place_name} [${event.place_country || "?"}]` : "-";
  const facts = el("dl", { class: "facts" },
    el("dt", {}, "event"), el("dd", {}, badge(event.type, event.quad), ` ${event.factuality}`,
      event.cameo ? ` · CAMEO ${event.cameo}` : "", event.mode ? ` · ${event.mode}` : ""),
    el("dt", {}, "who → whom"), el("dd", {}, `${actorLabel(event.source)} → ${actorLabel(event.target)}`),
    el("dt", {}, "when, where"), el("dd", {}, `${event.day || event.date || "?"} · ${place}`),
    el("dt", {}, "trigger"), el("dd", { id: "detail-trigger" }, event.trigger_text || ""));
  const reports = (event.reports || []).filter((r) => r.event_id !== event.id);
  const more = reports.length
    ? el("div", {}, el("strong", {}, `Also reported in ${reports.length}:`),
        el("ul", {}, reports.map((r) => el("li", {}, `${r.published || "?"} ${r.outlet || r.title || r.article_id}: ${r.evidence || ""}`))))
    : null;
  const detail = document.getElementById("detail");
  detail.classList.remove("muted");
  detail.replaceChildren(...[facts, keys(), articleView(event.article, eventRanges(event, true)), more].filter(Boolean));
  const mark = detail.querySelector(".hl-trigger");
  if (mark) mark.scrollIntoView({ block: "nearest" });
}

// -- the paste box -------------------------------------------------------------------------------

async function codeArticle(submitEvent) {
  submitEvent.preventDefault();
  const out = document.getElementById("paste-result");
  const payload = { text: document.getElementById("p-text").value };
  const title = document.getElementById("p-title").value.trim();
  const published = document.getElementById("p-published").value;
  if (title) payload.title = title;
  if (published) payload.published = published;
  out.replaceChildren(el("span", { class: "muted" }, "coding..."));
  const response = await fetch("/api/articles", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${document.getElementById("p-token").value}` },
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

async function refresh() {
  showError("");
  try {
    await Promise.all([drawMap(), drawTimeline(), drawNetwork(), loadEvents(false)]);
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

async function start() {
  drawLegend();
  document.getElementById("filters").addEventListener("submit", (e) => {
    e.preventDefault();
    applyFilters();
  });
  for (const id of ["f-country", "f-type", "f-quad", "f-factuality", "f-since", "f-until"]) {
    document.getElementById(id).addEventListener("change", applyFilters);
  }
  document.getElementById("f-reset").addEventListener("click", () => {
    document.getElementById("filters").reset();
    setPlace(null);
    applyFilters();
  });
  document.getElementById("f-place").addEventListener("click", () => {
    setPlace(null);
    applyFilters();
  });
  document.getElementById("t-unit").addEventListener("change", () => drawTimeline().catch((e) => showError(e.message)));
  document.getElementById("events-more").addEventListener("click", () => loadEvents(true).catch((e) => showError(e.message)));
  document.getElementById("paste").addEventListener("submit", (e) =>
    codeArticle(e).catch((error) => {
      document.getElementById("paste-result").replaceChildren(el("span", { class: "error" }, error.message));
    }));
  try {
    await Promise.all([loadWorld(), loadFacets()]);
  } catch (error) {
    showError(error.message);
  }
  await applyFilters();
}

document.addEventListener("DOMContentLoaded", start);

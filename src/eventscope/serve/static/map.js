// The map: event places on the world map (equirectangular: x = lon, y = -lat), zoomed and
// panned by changing the <svg>'s viewBox (wheel, buttons, drag). Markers keep their size
// on screen; places closer than a few pixels at the current zoom are merged into one marker
// with a count, re-clustered whenever the zoom changes.
import { QUADS, QUAD_LABELS, allPages, el, svg, svgPoint } from "./dom.js";

const FULL = { x: -180, y: -85, w: 360, h: 145 }; // the whole map, Antarctica left out
const MIN_WIDTH = FULL.w / 128; // the deepest zoom: about 3 degrees across
const MERGE_PX = 16; // markers whose centres are closer than this on screen are merged
const MAX_PLACES = 5_000;
const MIN_RADIUS = 3; // px, for one event
const MAX_RADIUS = 16; // px, for the largest marker at the whole-map zoom

// Greedy grid clustering, linear in the places: the largest place seeds a marker; a place
// joins the marker within `cell` of it in its own or a neighbouring grid cell, else seeds one.
export function cluster(places, cell) {
  const grid = new Map();
  const markers = [];
  for (const place of places) {
    const [x, y] = [place.lon, -place.lat];
    const [gx, gy] = [Math.floor(x / cell), Math.floor(y / cell)];
    let best = null;
    let bestDistance = cell * cell;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const marker of grid.get((gx + dx) * 1e6 + gy + dy) || []) {
          const d = (marker.x - x) ** 2 + (marker.y - y) ** 2;
          if (d < bestDistance) [best, bestDistance] = [marker, d];
        }
      }
    }
    if (!best) {
      best = { x, y, places: [], events: 0, quads: Object.fromEntries(QUADS.map((q) => [q, 0])) };
      markers.push(best);
      const key = gx * 1e6 + gy;
      if (!grid.has(key)) grid.set(key, []);
      grid.get(key).push(best);
    }
    best.places.push(place);
    best.events += place.events;
    for (const q of QUADS) best.quads[q] += place[q.toLowerCase()] || 0;
  }
  return markers;
}

function topQuad(quads) {
  return QUADS.reduce((top, q) => (quads[q] > quads[top] ? q : top), QUADS[0]);
}

export function createMap(box, note, legend, { onPlace, pageSize, world }) {
  let view = { ...FULL };
  let places = [];
  let reference = 1; // events of the largest marker at the whole-map zoom: MAX_RADIUS
  let drawn = 0; // the latest draw: an older one that finishes later is dropped
  let drawnScale = 0;
  let drawnArea = null; // the part of the map whose markers are drawn
  let shown = []; // the clusters drawn, by their data-i
  let frame = 0;
  const markers = svg("g", { class: "markers" });
  const root = svg("svg", { viewBox: viewBox(), role: "img", "aria-label": "map of events" });
  const countries = svg("g", { class: "world" });
  for (const path of world ? world.querySelectorAll("path") : []) {
    countries.append(svg("path", { d: path.getAttribute("d") }, svg("title", {}, path.getAttribute("data-name") || "")));
  }
  root.append(countries, markers);
  const zoom = (factor) => () => zoomAt(view.x + view.w / 2, view.y + view.h / 2, factor);
  const controls = el("div", { class: "map-controls" },
    el("button", { type: "button", id: "map-zoom-in", title: "zoom in", "aria-label": "zoom in", onclick: zoom(2) }, "+"),
    el("button", { type: "button", id: "map-zoom-out", title: "zoom out", "aria-label": "zoom out", onclick: zoom(0.5) }, "−"),
    el("button", { type: "button", id: "map-reset", title: "whole map", "aria-label": "whole map", onclick: () => setView({ ...FULL }) }, "⟲"));
  box.replaceChildren(root, controls);
  pannable();

  function viewBox() {
    return [view.x, view.y, view.w, view.h].map((v) => +v.toFixed(4)).join(" ");
  }

  // Screen pixels per degree at the current zoom.
  function scale() {
    const matrix = root.getScreenCTM();
    if (matrix && matrix.a > 0) return matrix.a;
    return (box.clientWidth || 800) / view.w;
  }

  function setView(next) {
    const w = Math.min(FULL.w, Math.max(MIN_WIDTH, next.w));
    const h = (w * FULL.h) / FULL.w;
    const x = Math.min(FULL.x + FULL.w - w, Math.max(FULL.x, next.x));
    const y = Math.min(FULL.y + FULL.h - h, Math.max(FULL.y, next.y));
    const zoomed = Math.abs(w - view.w) > 1e-9;
    view = { x, y, w, h };
    root.setAttribute("viewBox", viewBox());
    const a = drawnArea;
    const outside = !a || x < a.x || y < a.y || x + w > a.x + a.w || y + h > a.y + a.h;
    if ((zoomed || outside) && !frame) frame = requestAnimationFrame(() => ((frame = 0), render()));
  }

  // Zoom by `factor` keeping the map point (x, y) where it is on screen.
  function zoomAt(x, y, factor) {
    const w = Math.min(FULL.w, Math.max(MIN_WIDTH, view.w / factor));
    const k = w / view.w;
    setView({ x: x - (x - view.x) * k, y: y - (y - view.y) * k, w });
  }

  function pannable() {
    root.addEventListener("wheel", (e) => {
      e.preventDefault();
      const at = svgPoint(root, e.clientX, e.clientY);
      const delta = e.deltaMode === 1 ? e.deltaY * 40 : e.deltaY;
      zoomAt(at.x, at.y, Math.exp(-delta * 0.002));
    }, { passive: false });
    let drag = null;
    root.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, view: { ...view }, scale: scale(), moved: false, id: e.pointerId };
    });
    root.addEventListener("pointermove", (e) => {
      if (!drag) return;
      const [dx, dy] = [e.clientX - drag.x, e.clientY - drag.y];
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      if (!drag.moved) {
        // Captured only once it is a drag, so that a click still reaches its marker.
        drag.moved = true;
        root.setPointerCapture(drag.id);
        root.classList.add("dragging");
      }
      setView({ ...drag.view, x: drag.view.x - dx / drag.scale, y: drag.view.y - dy / drag.scale });
    });
    const end = () => {
      drag = null;
      root.classList.remove("dragging");
    };
    root.addEventListener("pointerup", end);
    root.addEventListener("pointercancel", end);
  }

  function radius(events) {
    return Math.min(MAX_RADIUS * 1.25, MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * Math.sqrt(events / reference));
  }

  function fit(group) {
    const xs = group.places.map((p) => p.lon);
    const ys = group.places.map((p) => -p.lat);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const w = Math.max(view.w / 4, (x1 - x0) * 3, ((y1 - y0) * 3 * FULL.w) / FULL.h, MIN_WIDTH);
    const h = (w * FULL.h) / FULL.w;
    setView({ x: (x0 + x1) / 2 - w / 2, y: (y0 + y1) / 2 - h / 2, w });
  }

  // The markers of the clusters in or near the view (a view's size around it, so that a
  // short pan needs no new drawing); tooltips and clicks are looked up when they happen.
  function render() {
    const px = scale();
    drawnScale = px;
    const unit = 1 / px; // degrees per screen pixel
    drawnArea = { x: view.x - view.w, y: view.y - view.h, w: 3 * view.w, h: 3 * view.h };
    const inArea = (g) => g.x >= drawnArea.x && g.x <= drawnArea.x + drawnArea.w && g.y >= drawnArea.y && g.y <= drawnArea.y + drawnArea.h;
    shown = cluster(places, MERGE_PX * unit).filter(inArea);
    const nodes = [];
    shown.forEach((group, i) => {
      const [cx, cy] = [group.x.toFixed(4), group.y.toFixed(4)];
      const attrs = { class: `point q-${topQuad(group.quads)}`, cx, cy, r: (radius(group.events) * unit).toFixed(4), "data-i": i };
      if (group.places.length === 1) {
        nodes.push(svg("circle", { ...attrs, "data-place": group.places[0].place || "" }));
        return;
      }
      nodes.push(svg("circle", { ...attrs, class: `${attrs.class} cluster`, "data-count": group.places.length }));
      nodes.push(svg("text", { class: "count", x: cx, y: cy, "font-size": (10 * unit).toFixed(4), dy: "0.35em", "text-anchor": "middle" }, String(group.places.length)));
    });
    markers.replaceChildren(...nodes);
    root.dataset.zoom = (FULL.w / view.w).toFixed(3);
  }

  function describe(group) {
    if (group.places.length === 1) {
      const place = group.places[0];
      return `${place.place || "?"} [${place.country || "?"}]: ${place.events} events`;
    }
    const names = group.places.slice(0, 6).map((p) => p.place || "?").join(", ");
    const more = group.places.length > 6 ? ", ..." : "";
    return `${group.places.length} places, ${group.events} events: ${names}${more} (click to zoom in)`;
  }

  const groupOf = (target) => (target.dataset && target.dataset.i !== undefined ? shown[Number(target.dataset.i)] : null);
  markers.addEventListener("pointerover", (e) => {
    const group = groupOf(e.target);
    if (group && !e.target.firstChild) e.target.append(svg("title", {}, describe(group)));
  });
  markers.addEventListener("click", (e) => {
    const group = groupOf(e.target);
    if (!group) return;
    if (group.places.length === 1) onPlace(group.places[0]);
    else fit(group);
  });

  function drawLegend() {
    const sizes = [...new Set([1, Math.round(reference / 4), reference])].filter((n) => n >= 1).sort((a, b) => a - b);
    const size = (n) => {
      const r = radius(n);
      const d = 2 * r + 2;
      return el("span", { class: "size" },
        svg("svg", { width: d, height: d, viewBox: `0 0 ${d} ${d}`, "aria-hidden": "true" },
          svg("circle", { cx: d / 2, cy: d / 2, r })),
        `${n}`);
    };
    legend.replaceChildren(
      el("span", {}, "events at the place:"), ...sizes.map(size),
      el("span", { class: "sep" }, "colour: most frequent quad class"),
      ...QUADS.map((q) => el("span", {}, el("i", { class: `q-${q}` }), QUAD_LABELS[q])),
      el("span", { class: "sep" }, el("b", {}, "3"), " places merged at this zoom (click to zoom in); wheel, drag or the buttons to zoom and pan"),
    );
  }

  async function draw(params) {
    const id = ++drawn;
    const data = await allPages("places", params, pageSize(), MAX_PLACES);
    if (id !== drawn) return; // a newer draw started meanwhile
    places = data.items.filter((p) => p.lat !== null && p.lon !== null);
    // Sizes are relative to the largest marker of the whole map, whatever the zoom.
    const wholeMap = cluster(places, (MERGE_PX * FULL.w) / (scale() * view.w));
    reference = Math.max(1, ...wholeMap.map((m) => m.events));
    render();
    drawLegend();
    note.textContent = `${data.total} places` + (data.total > places.length ? ` (${places.length} shown)` : "");
  }

  // A window resize changes the pixels per degree: cluster again when it does.
  window.addEventListener("resize", () => {
    if (Math.abs(scale() - drawnScale) > 0.01 * drawnScale && !frame) frame = requestAnimationFrame(() => ((frame = 0), render()));
  });

  return { draw, zoomAt, view: () => ({ ...view }) };
}

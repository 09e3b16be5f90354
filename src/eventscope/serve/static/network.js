// The actor network: who acts on whom, an actor being its canonical identity (the API's
// source_id/target_id), laid out by a small force-directed layout (seeded: the same data
// gives the same picture), with labels placed where they overlap nothing and stay inside.
// A click on an actor filters every view to events with that actor.
import { allPages, svg, withParams } from "./dom.js";

const WIDTH = 640;
const HEIGHT = 440;
const PAD = 3; // labels keep this far from the edges
const EDGES = 40; // heaviest pairs drawn
const LABEL_CHARS = 28;
const ROUNDS = 300;

// mulberry32: a small seeded generator, so the layout does not change from draw to draw.
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

// Fruchterman-Reingold with a pull to the centre (which keeps separate pairs together), then
// scaled to fill the drawing less `margin`. Quadratic in the nodes: there are at most 2 * EDGES.
export function layout(nodes, links, width, height, margin) {
  const n = nodes.length;
  if (!n) return;
  const random = seeded(hash(nodes.map((d) => d.id).join("|")));
  const [cx, cy] = [width / 2, height / 2];
  nodes.forEach((d, i) => {
    const angle = (2 * Math.PI * i) / n;
    d.x = cx + (width / 3) * Math.cos(angle) + (random() - 0.5) * 20;
    d.y = cy + (height / 3) * Math.sin(angle) + (random() - 0.5) * 20;
  });
  const k = Math.sqrt((width * height) / n) * 0.75;
  let heat = width / 8;
  const fx = new Float64Array(n);
  const fy = new Float64Array(n);
  for (let round = 0; round < ROUNDS; round++) {
    fx.fill(0);
    fy.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let dx = nodes[i].x - nodes[j].x;
        let dy = nodes[i].y - nodes[j].y;
        let d2 = dx * dx + dy * dy;
        if (d2 < 0.01) [dx, dy, d2] = [random() - 0.5, random() - 0.5, 0.5];
        const f = (k * k) / d2;
        fx[i] += dx * f;
        fy[i] += dy * f;
        fx[j] -= dx * f;
        fy[j] -= dy * f;
      }
    }
    for (const [a, b, weight] of links) {
      const dx = nodes[a].x - nodes[b].x;
      const dy = nodes[a].y - nodes[b].y;
      const f = (Math.hypot(dx, dy) / k) * Math.min(2, weight);
      fx[a] -= dx * f;
      fy[a] -= dy * f;
      fx[b] += dx * f;
      fy[b] += dy * f;
    }
    for (let i = 0; i < n; i++) {
      fx[i] += (cx - nodes[i].x) * 0.6;
      fy[i] += (cy - nodes[i].y) * 0.6 * (width / height);
      const length = Math.hypot(fx[i], fy[i]) || 1;
      const move = Math.min(length, heat);
      nodes[i].x += (fx[i] / length) * move;
      nodes[i].y += (fy[i] / length) * move;
    }
    heat = Math.max(0.5, heat * 0.985);
  }
  // Fill the drawing, but a small graph is only centred (not stretched to the corners).
  const xs = nodes.map((d) => d.x);
  const ys = nodes.map((d) => d.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = Math.min(1.5, (width - 2 * margin.x) / Math.max(1, x1 - x0));
  const sy = Math.min(1.5, (height - 2 * margin.y) / Math.max(1, y1 - y0));
  for (const d of nodes) {
    d.x = cx + (d.x - (x0 + x1) / 2) * sx;
    d.y = cy + (d.y - (y0 + y1) / 2) * sy;
  }
}

function overlaps(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

// Whether the segment a-b passes through the box (Liang-Barsky clipping).
function crosses(box, a, b) {
  const [dx, dy] = [b.x - a.x, b.y - a.y];
  let [t0, t1] = [0, 1];
  const sides = [[-dx, a.x - box.x], [dx, box.x + box.w - a.x], [-dy, a.y - box.y], [dy, box.y + box.h - a.y]];
  for (const [p, q] of sides) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

// A place for a label of size w x h near its node: beside, above, below or on a diagonal,
// further out step by step. Never over another label or node, nor outside the drawing;
// over no edge where there is such a place. None: null.
export function placeLabel(node, w, h, placed, discs, segments) {
  const g = node.r + 2;
  const e = g * 0.7;
  let crossing = null;
  for (const s of [0, 5, 11, 18, 27, 38]) {
    const candidates = [
      [node.x + g + s, node.y - h / 2],
      [node.x - g - s - w, node.y - h / 2],
      [node.x - w / 2, node.y - g - s - h],
      [node.x - w / 2, node.y + g + s],
      [node.x + e + s, node.y - e - s - h],
      [node.x + e + s, node.y + e + s],
      [node.x - e - s - w, node.y - e - s - h],
      [node.x - e - s - w, node.y + e + s],
    ];
    for (const [x, y] of candidates) {
      const box = { x: x - 1, y: y - 1, w: w + 2, h: h + 2 };
      if (box.x < PAD || box.y < PAD || box.x + box.w > WIDTH - PAD || box.y + box.h > HEIGHT - PAD) continue;
      if (placed.some((other) => overlaps(box, other))) continue;
      if (discs.some((d) => d !== node && overlaps(box, { x: d.x - d.r, y: d.y - d.r, w: 2 * d.r, h: 2 * d.r }))) continue;
      if (!segments.some(([a, b]) => crosses(box, a, b))) return box;
      crossing = crossing || box;
    }
  }
  return crossing;
}

export function createNetwork(box, note, { onActor, pageSize }) {
  let drawn = 0;

  async function draw(params, { generic, selected }) {
    const id = ++drawn;
    const data = await allPages("network", withParams(params, { generic: generic ? "true" : "false" }), pageSize(), EDGES);
    if (id !== drawn) return;
    const nodes = new Map();
    const add = (key, name, country, events) => {
      if (!nodes.has(key)) nodes.set(key, { id: key, name: name || "?", country, weight: 0 });
      nodes.get(key).weight += events;
    };
    for (const edge of data.items) {
      add(edge.source_id, edge.source, edge.source_country, edge.events);
      add(edge.target_id, edge.target, edge.target_country, edge.events);
    }
    const list = [...nodes.values()].sort((a, b) => b.weight - a.weight || (a.id < b.id ? -1 : 1));
    const index = new Map(list.map((d, i) => [d.id, i]));
    const heaviest = Math.max(1, ...data.items.map((e) => e.events));
    const links = data.items
      .filter((e) => e.source_id !== e.target_id)
      .map((e) => [index.get(e.source_id), index.get(e.target_id), 0.5 + e.events / heaviest]);
    layout(list, links, WIDTH, HEIGHT, { x: 24, y: 18 });
    const top = Math.max(1, ...list.map((d) => d.weight));
    for (const d of list) d.r = 3 + 5 * Math.sqrt(d.weight / top);
    // The same name for two actors (two countries' "government"): say whose.
    const names = new Map();
    for (const d of list) names.set(d.name, (names.get(d.name) || 0) + 1);

    const root = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": "actor network" });
    const defs = svg("defs", {});
    for (const kind of ["coop", "conflict"]) {
      defs.append(svg("marker", { id: `arrow-${kind}`, viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, markerUnits: "userSpaceOnUse", orient: "auto" },
        svg("path", { d: "M0,0 L10,5 L0,10 z", class: `${kind}-head` })));
    }
    root.append(defs);
    const edges = svg("g", { class: "edges" });
    const pairs = new Set(data.items.map((e) => `${e.source_id}\n${e.target_id}`));
    for (const edge of data.items) {
      if (edge.source_id === edge.target_id) continue;
      const [a, b] = [list[index.get(edge.source_id)], list[index.get(edge.target_id)]];
      const length = Math.hypot(b.x - a.x, b.y - a.y) || 1;
      const [ux, uy] = [(b.x - a.x) / length, (b.y - a.y) / length];
      // Both ways between two actors: each line a little to its own right, not on top.
      const side = pairs.has(`${edge.target_id}\n${edge.source_id}`) ? 2.5 : 0;
      const [ox, oy] = [-uy * side, ux * side];
      const kind = edge.conflict * 2 >= edge.events ? "conflict" : "coop";
      edges.append(svg("line", {
        class: `edge ${kind}`,
        x1: (a.x + ux * a.r + ox).toFixed(1), y1: (a.y + uy * a.r + oy).toFixed(1),
        x2: (b.x - ux * (b.r + 1) + ox).toFixed(1), y2: (b.y - uy * (b.r + 1) + oy).toFixed(1),
        "stroke-width": (0.8 + 3 * (edge.events / heaviest)).toFixed(2),
        "marker-end": `url(#arrow-${kind})`,
      }, svg("title", {}, `${edge.source} → ${edge.target}: ${edge.events} events (${edge.conflict} conflict)`)));
    }
    const discs = svg("g", { class: "nodes" });
    const labels = svg("g", { class: "labels" });
    root.append(edges, discs, labels);
    box.replaceChildren(root); // in the page now, so that labels can be measured

    const pick = (d) => () => onActor({ id: d.id, name: d.name });
    const segments = links.map(([a, b]) => [list[a], list[b]]);
    const placed = [];
    let hidden = 0;
    for (const d of list) {
      const about = `${d.name}${d.country ? ` [${d.country}]` : ""}: ${d.weight} events (click to filter)`;
      discs.append(svg("circle", {
        class: `node${d.id === selected ? " selected" : ""}`, cx: d.x.toFixed(1), cy: d.y.toFixed(1), r: d.r.toFixed(1),
        "data-actor": d.id, onclick: pick(d),
      }, svg("title", {}, about)));
      let text = d.name.length > LABEL_CHARS ? `${d.name.slice(0, LABEL_CHARS - 1)}…` : d.name;
      if (names.get(d.name) > 1 && d.country) text += ` [${d.country}]`;
      const label = svg("text", { class: `label${d.id === selected ? " selected" : ""}`, x: 0, y: 0, "data-actor": d.id, onclick: pick(d) }, text, svg("title", {}, about));
      labels.append(label);
      const size = label.getBBox();
      const [w, h] = size.width > 0 ? [size.width, size.height] : [text.length * 5.6, 12];
      const spot = placeLabel(d, w, h, placed, list, segments);
      if (!spot) {
        label.remove();
        hidden++;
        continue;
      }
      placed.push(spot);
      // The box's top-left corner, less where the glyphs start relative to (x, y).
      label.setAttribute("x", (spot.x + 1 - (size.width > 0 ? size.x : 0)).toFixed(1));
      label.setAttribute("y", (spot.y + 1 - (size.width > 0 ? size.y : -h * 0.8)).toFixed(1));
    }
    if (!list.length) root.append(svg("text", { x: WIDTH / 2, y: HEIGHT / 2, "text-anchor": "middle" }, "no actor pairs"));
    note.textContent = `${list.length} actors, ${data.items.length} of ${data.total} pairs` +
      (generic ? "" : "; generic and unresolved actors hidden") +
      (hidden ? `; ${hidden} labels left out for room (hover the dots)` : "");
  }

  return { draw };
}

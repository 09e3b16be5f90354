// Helpers shared by the page's modules: building HTML and SVG nodes, asking the API.
// Text from the database is always set as text, never as HTML.

export const QUADS = ["VERBAL_COOPERATION", "MATERIAL_COOPERATION", "VERBAL_CONFLICT", "MATERIAL_CONFLICT"];
export const QUAD_LABELS = {
  VERBAL_COOPERATION: "verbal cooperation",
  MATERIAL_COOPERATION: "material cooperation",
  VERBAL_CONFLICT: "verbal conflict",
  MATERIAL_CONFLICT: "material conflict",
};
const SVG_NS = "http://www.w3.org/2000/svg";

function fill(node, attrs, children, setClass) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined) continue;
    if (key === "class" && setClass) node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function el(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children, true);
}

export function svg(tag, attrs, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children, false);
}

export async function api(path, params) {
  const query = params && String(params) ? `?${params}` : "";
  const response = await fetch(`/api/${path}${query}`);
  const body = await response.json();
  if (!response.ok) throw new Error(body.message || `${response.status}`);
  return body;
}

// A copy of the filters with some parameters set (null: removed).
export function withParams(params, extra) {
  const out = new URLSearchParams(params);
  for (const [key, value] of Object.entries(extra || {})) {
    if (value === null || value === undefined) out.delete(key);
    else out.set(key, String(value));
  }
  return out;
}

// Every page of a list, up to `most` rows: the rows, and the total the API reported.
export async function allPages(path, params, pageSize, most) {
  const items = [];
  let total = 0;
  let first = null;
  for (let offset = 0; offset < most; ) {
    const page = await api(path, withParams(params, { limit: Math.min(pageSize, most - offset), offset }));
    first = first || page;
    total = page.total;
    items.push(...page.items);
    offset += page.items.length;
    if (!page.items.length || offset >= total) break;
  }
  return { first, items, total };
}

// A point on the screen in the user units of an <svg> (its viewBox).
export function svgPoint(root, clientX, clientY) {
  const matrix = root.getScreenCTM();
  if (!matrix) return { x: 0, y: 0 };
  const point = new DOMPoint(clientX, clientY).matrixTransform(matrix.inverse());
  return { x: point.x, y: point.y };
}

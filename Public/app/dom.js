// A tiny, safe element builder. User data only ever reaches the page through
// textContent, setAttribute or DOM properties — never through innerHTML.

const SVG_NS = 'http://www.w3.org/2000/svg';
const PROPS = new Set(['value', 'checked', 'disabled', 'selected', 'indeterminate', 'readOnly', 'required', 'multiple', 'hidden']);
const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'xlink:href']);

function safeUrl(value) {
  const s = String(value).trim();
  // Refuse script-bearing schemes; relative URLs, http(s), mailto, fragments and
  // blob: (local previews of images the user picked) pass.
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(s.replace(/[\u0000-\u0020]/g, ''));
  if (scheme && !['http', 'https', 'mailto', 'tel', 'blob'].includes(scheme[1].toLowerCase())) return '#';
  return s;
}

function append(el, child) {
  if (child === null || child === undefined || child === false || child === true) return;
  if (Array.isArray(child)) {
    for (const c of child) append(el, c);
    return;
  }
  if (child instanceof Node) {
    el.appendChild(child);
    return;
  }
  el.appendChild(document.createTextNode(String(child)));
}

/**
 * h('button', {class: 'btn', onclick: fn, 'data-testid': 'save'}, 'text', otherNode)
 * - `on<event>` must be a function (string handlers are ignored);
 * - `class` may be a string or an array (falsy entries dropped);
 * - `style` may be an object;
 * - `value`, `checked`, `disabled`, `selected`... are set as properties;
 * - null / undefined / false attribute values are skipped.
 */
export function h(tag, attrs, ...children) {
  const svg = tag === 'svg' || tag === 'path' || tag === 'circle' || tag === 'rect' || tag === 'line' || tag === 'polyline';
  const el = svg ? document.createElementNS(SVG_NS, tag) : document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith('on')) {
        if (typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
        continue;
      }
      if (key === 'class') {
        const cls = Array.isArray(value) ? value.filter(Boolean).join(' ') : String(value);
        if (cls) el.setAttribute('class', cls);
      } else if (key === 'style' && typeof value === 'object') {
        for (const [prop, v] of Object.entries(value)) el.style.setProperty(prop, String(v));
      } else if (key === 'dataset' && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) el.dataset[k] = String(v);
      } else if (PROPS.has(key) && !svg) {
        el[key] = value;
      } else if (key === 'ref' && typeof value === 'function') {
        value(el);
      } else if (URL_ATTRS.has(key.toLowerCase())) {
        el.setAttribute(key, safeUrl(value));
      } else {
        el.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

/** Removes every child of `el`, then appends `children`. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function $$(selector, root = document) {
  return Array.from(root.querySelectorAll(selector));
}

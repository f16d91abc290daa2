// Pieces shared by the knowledge-base page, its editor and the suggestions beside a
// conversation: who may edit, languages, list fields, status badges, the category tree.
import { h } from '../dom.js';
import { t, getSupported } from '../i18n.js';
import { user } from '../session.js';

/** The languages an article can be written in. */
export const LOCALES = ['zh-CN', 'zh-TW', 'en', 'ko'];

const EDITOR_ROLES = new Set(['supervisor', 'admin', 'owner']);

/** Supervisors, admins and owners write the knowledge base; agents read it. */
export function isEditor() {
  const me = user();
  return Boolean(me && EDITOR_ROLES.has(me.role));
}

/** "English (en)": the language's own name from the server's list, else the code. */
export function localeLabel(code) {
  const known = getSupported().find((l) => String(l.code).toLowerCase() === String(code).toLowerCase());
  return known && known.name ? `${known.name} (${code})` : String(code || '');
}

/** The interface language when articles can be written in it, else zh-CN. */
export function defaultLocale(current) {
  return LOCALES.includes(current) ? current : 'zh-CN';
}

/**
 * "a, b\nc" → ["a", "b", "c"]: commas (also the full-width and ideographic ones)
 * and new lines separate; blanks and repeats are dropped.
 */
export function splitList(text) {
  const seen = new Set();
  const out = [];
  for (const part of String(text || '').split(/[,\n\r\uff0c\u3001]/)) {
    const item = part.trim();
    if (!item || seen.has(item)) continue;
    seen.add(item);
    out.push(item);
  }
  return out;
}

/** " A / B /" → "A/B" (levels separated by "/"). */
export function normaliseCategory(text) {
  return String(text || '').split('/').map((s) => s.trim()).filter(Boolean).join('/');
}

export function statusLabel(status) {
  return status === 'published' ? t('knowledge.statusPublished') : t('knowledge.statusDraft');
}

export function statusBadge(status) {
  return h('span', {
    class: ['pill', status === 'published' ? 'pill-on' : 'kb-pill-draft'],
    'data-testid': 'kb-status-badge', 'data-status': status,
  }, statusLabel(status));
}

/** "87%" of the votes that found the article helpful, or null without votes. */
export function helpfulPercent(article) {
  const yes = Number(article && article.helpful) || 0;
  const no = Number(article && article.notHelpful) || 0;
  if (yes + no <= 0) return null;
  return Math.round((100 * yes) / (yes + no));
}

/**
 * Puts server-rendered article HTML into `el` (class kb-prose). Only for the
 * `html` of POST /api/v1/knowledge/preview and an article's `bodyHtml`, which the
 * server sanitises by construction; everything else goes through text nodes.
 */
export function setProse(el, html) {
  el.classList.add('kb-prose');
  el.innerHTML = typeof html === 'string' ? html : '';
  // Links in an article open beside the workbench, never in its place.
  for (const link of el.querySelectorAll('a[href]')) {
    link.setAttribute('target', '_blank');
    link.setAttribute('rel', 'noopener noreferrer');
  }
}

/**
 * [{path: "A/B", count}] → a flat, depth-first list of tree nodes
 * {path, name, depth, count (this level and below)}, siblings in name order.
 */
export function categoryTree(categories) {
  const root = { children: new Map() };
  for (const c of categories || []) {
    const parts = normaliseCategory(c && c.path).split('/').filter(Boolean);
    if (!parts.length) continue;
    let node = root;
    parts.forEach((name, index) => {
      if (!node.children.has(name)) {
        node.children.set(name, { name, path: parts.slice(0, index + 1).join('/'), children: new Map(), own: 0 });
      }
      node = node.children.get(name);
    });
    node.own += Number(c.count) || 0;
  }
  const out = [];
  function total(node) {
    let sum = node.own;
    for (const child of node.children.values()) sum += total(child);
    node.total = sum;
    return sum;
  }
  function walk(node, depth) {
    const children = Array.from(node.children.values()).sort((a, b) => a.name.localeCompare(b.name));
    for (const child of children) {
      out.push({ path: child.path, name: child.name, depth, count: child.total });
      walk(child, depth + 1);
    }
  }
  for (const child of root.children.values()) total(child);
  walk(root, 0);
  return out;
}

// The side panels beside a conversation: each capability (orders, tickets, CRM, …) adds a
// tab to the right column, after the customer's, by registering its panel from its own
// file; app/panels.js lists those files. The sidebar (chat/sidebar.js) draws the tabs, the
// conversation page (views/conversations.js) creates the panels and destroys them.

const registry = new Map(); // id → the registration

/**
 * Adds a tab to the right column of every conversation:
 * - id: the tab's name ('orders'), also its remembered value, its panel's class
 *   (side-panel-<id>) and the column's data-tab while it is shown;
 * - order: where the tab goes (smaller first; the customer's tab is always first);
 * - label(): the tab's text;
 * - testid: the tab button's data-testid (default side-tab-<id>); its count badge is <testid>-count;
 * - create({conversation, socket, contact}): the panel of an open conversation, as
 *   {el, onSummary?, destroy?}. contact(fresh) loads the customer (a Promise, shared with the
 *   sidebar). onSummary(fn) (optional) calls fn({count, due, title}) whenever the badge should
 *   change (count 0: no badge; due: highlighted; title: its tooltip) and returns the unsubscribe
 *   function; destroy() is called when the conversation closes.
 */
export function registerPanel({ id, order = 100, label, testid = null, create }) {
  if (!/^[a-z][a-z0-9-]*$/.test(String(id || '')) || id === 'customer') throw new Error(`side panel: invalid id ${id}`);
  if (registry.has(id)) throw new Error(`side panel: ${id} is registered twice`);
  if (typeof label !== 'function' || typeof create !== 'function') throw new Error(`side panel ${id}: label and create must be functions`);
  registry.set(id, Object.freeze({ id, order: Number(order) || 0, label, testid: testid || `side-tab-${id}`, create }));
}

/** The registered panels in tab order. */
export function registeredPanels() {
  return Array.from(registry.values()).sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

/**
 * Creates every registered panel for an open conversation: [{id, label, testid, el,
 * onSummary, destroy}] in tab order. A panel that fails to build is left out, so one
 * capability's fault does not take the conversation down.
 */
export function createPanels(context) {
  const panels = [];
  for (const entry of registeredPanels()) {
    let made;
    try {
      made = entry.create(context);
    } catch (error) {
      console.error(`side panel ${entry.id}`, error);
      continue;
    }
    if (!made || !made.el) continue;
    panels.push({
      id: entry.id,
      label: entry.label,
      testid: entry.testid,
      el: made.el,
      onSummary: typeof made.onSummary === 'function' ? (fn) => made.onSummary(fn) : null,
      destroy: () => { if (typeof made.destroy === 'function') made.destroy(); },
    });
  }
  return panels;
}

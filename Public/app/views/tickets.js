// Tickets (#/tickets, #/tickets/<id>, #/tickets/<id>/after-sales): the list of tickets
// (tickets/list.js) and one ticket's page (tickets/detail.js). The list stays alive behind an open ticket, so going back keeps
// the view, the filters, the search and the scroll position, and looks again quietly.
import { h } from '../dom.js';
import { createTicketList } from '../tickets/list.js';
import { createTicketPage } from '../tickets/detail.js';

let active = null;

function ticketIdFrom(subpath) {
  const id = String(subpath || '').split(/[/?]/)[0];
  return /^[0-9a-fA-F-]{32,36}$/.test(id) ? id : null;
}

/** The tab named after the id ("after-sales"), or null. */
function tabFrom(subpath) {
  return String(subpath || '').split(/[?]/)[0].split('/')[1] || null;
}

/** Called by the router when only the part after #/tickets/ changed. */
export function subroute(subpath) {
  if (!active) return false;
  active.show(ticketIdFrom(subpath), tabFrom(subpath));
  return true;
}

export function render(container, ctx) {
  const listHost = h('div', { class: 'tk-list-host' });
  const pageHost = h('div', { class: 'tk-page-host', hidden: true });
  container.append(listHost, pageHost);
  let list = null;
  let page = null;
  let listScroll = 0;

  function show(id, tab = null) {
    if (page) {
      page.destroy();
      page = null;
    }
    container.classList.toggle('tk-has-page', Boolean(id));
    if (id) {
      if (!listHost.hidden) listScroll = window.scrollY;
      listHost.hidden = true;
      page = createTicketPage({ id, tab, onBack: () => ctx.navigate('tickets') });
      pageHost.replaceChildren(page.el);
      pageHost.hidden = false;
      return;
    }
    pageHost.hidden = true;
    pageHost.replaceChildren();
    listHost.hidden = false;
    if (!list) {
      list = createTicketList({ onOpen: (ticketId) => ctx.navigate(`tickets/${ticketId}`) });
      listHost.append(list.el);
    } else {
      list.refresh({ quiet: true });
      window.scrollTo(0, listScroll);
    }
  }

  active = { show };
  show(ticketIdFrom(ctx.subpath), tabFrom(ctx.subpath));

  return () => {
    if (active && active.show === show) active = null;
    container.classList.remove('tk-has-page');
    if (page) page.destroy();
    if (list) list.destroy();
  };
}

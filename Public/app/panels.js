// The tabs beside a conversation, one line per capability: each file registers its panel
// (chat/panels.js) when imported. To add a tab (tickets, CRM, satisfaction, …): write
// <capability>/panel.js calling registerPanel(...), then import it here. Imported once, by main.js.
import './orders/panel.js';
import './tickets/panel.js';   // tickets: the conversation's tickets and "create ticket" beside it
import './sla/side.js';      // SLA: the chat's clocks, countdowns and log; badge while one is late

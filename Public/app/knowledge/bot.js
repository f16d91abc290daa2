// The FAQ bot in the conversation workspace: the badge of a conversation the bot
// is answering (list row, header) and the articles a bot message pointed to.
import { h } from '../dom.js';
import { t } from '../i18n.js';

/** A small "bot" badge when `conversation.botActive`, else null. */
export function botBadge(conversation, testid = 'conv-bot-badge') {
  if (!conversation || conversation.botActive !== true) return null;
  return h('span', { class: 'bot-pill', 'data-testid': testid, title: t('knowledge.botBadgeTitle') }, t('knowledge.botBadge'));
}

/** Links to the articles of a bot message (`payload.articles`), opened in a new tab; else null. */
export function articleLinks(message) {
  const articles = message && message.payload && Array.isArray(message.payload.articles) ? message.payload.articles : [];
  const usable = articles.filter((a) => a && a.title);
  if (!usable.length) return null;
  return h('div', { class: 'msg-articles', 'data-testid': 'msg-articles' },
    usable.map((a) => (a.url
      ? h('a', {
        class: 'msg-article', href: a.url, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'msg-article',
        'data-slug': a.slug || '', title: a.snippet || a.title,
      }, a.title)
      : h('span', { class: 'msg-article', 'data-testid': 'msg-article', 'data-slug': a.slug || '' }, a.title))));
}

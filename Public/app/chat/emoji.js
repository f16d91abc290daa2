// The emoji picker: a grid of common emoji for friendly service replies.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { dismissable } from '../ui.js';

export const EMOJI = [
  '\u{1F60A}', '\u{1F604}', '\u{1F601}', '\u{1F602}', '\u{1F923}', '\u{1F642}', '\u{1F609}', '\u{1F60D}',
  '\u{1F618}', '\u{1F970}', '\u{1F60E}', '\u{1F914}', '\u{1F605}', '\u{1F62D}', '\u{1F622}', '\u{1F625}',
  '\u{1F633}', '\u{1F631}', '\u{1F64F}', '\u{1F44D}', '\u{1F44C}', '\u{1F44F}', '\u{1F44B}', '\u{1F4AA}',
  '\u{1F91D}', '\u{1F389}', '\u{1F38A}', '\u{1F381}', '\u{1F339}', '\u{1F338}', '\u{2764}\u{FE0F}', '\u{1F496}',
  '\u{2728}', '\u{1F31F}', '\u{1F525}', '\u{1F4AF}', '\u{2705}', '\u{1F4E6}', '\u{1F69A}', '\u{1F4B0}',
  '\u{1F6CD}\u{FE0F}', '\u{2615}', '\u{1F35C}', '\u{23F0}',
];

/**
 * A toggle button with a popover grid; `onPick(emoji)` inserts the choice.
 * Returns {button, popover, close}.
 */
export function emojiPicker(onPick) {
  const grid = h('div', { class: 'emoji-grid', role: 'listbox', 'aria-label': t('conversations.chat.emoji') },
    EMOJI.map((emoji) => h('button', {
      type: 'button', class: 'emoji-cell', role: 'option', title: emoji, 'data-testid': 'emoji-option', 'data-emoji': emoji,
      onclick: () => { onPick(emoji); close(); },
    }, emoji)));
  const popover = h('div', { class: 'popover emoji-popover', 'data-testid': 'emoji-popover', hidden: true }, grid);
  const button = h('button', {
    type: 'button', class: 'tool-btn', 'data-testid': 'emoji-toggle', title: t('conversations.chat.emoji'), 'aria-label': t('conversations.chat.emoji'),
    onclick: (event) => { event.stopPropagation(); toggle(); },
  }, icon('smile'));

  const { close, toggle } = dismissable(popover, button);
  return { button, popover, close };
}

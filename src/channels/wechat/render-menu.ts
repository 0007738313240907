/**
 * Actions as WeChat can show them. The only tappable reply is a `msgmenu` item: its `id` comes back
 * as `bizmsgmenuid` on the text message the tap sends, so a reply action's payload is the id.
 * Everything else becomes text: a link as `<a href>` (WeChat renders anchors in text content), a
 * call as "title: +number", a location request as a hint.
 */

import type { Degradation } from '../../core/vocabulary/channel.ts';
import type { Action } from '../../core/vocabulary/message.ts';

export interface MenuItem {
  id: string;
  content: string;
}

export interface SplitActions {
  items: MenuItem[];
  lines: string[];
  degradations: Degradation[];
}

/**
 * WeChat shows text literally except `<a href>` anchors, so nothing else is escaped (an `&amp;`
 * would show as typed); a quote in the URL is percent-encoded so it cannot end the attribute.
 */
export const link = (url: string, title: string): string =>
  `<a href="${url.replace(/"/g, '%22')}">${title}</a>`;

export function splitActions(actions: readonly Action[], pointer: string): SplitActions {
  const out: SplitActions = { items: [], lines: [], degradations: [] };
  actions.forEach((a, i) => {
    const at = `${pointer}/${i}`;
    switch (a.type) {
      case 'reply':
        out.items.push({ id: a.payload, content: a.title });
        break;
      case 'message':
        // A tap sends the item's label as text; the payload (id) is the text the action would send.
        out.items.push({ id: a.text, content: a.title });
        out.degradations.push({
          pointer: at,
          from: 'message action',
          to: 'msgmenu item whose id is the text (the tap comes back as a postback)',
          rule: 'wechat_message_as_menu_item',
        });
        break;
      case 'url':
        out.lines.push(link(a.url, a.title));
        out.degradations.push({
          pointer: at,
          from: 'url button',
          to: '<a href> link in the text',
          rule: 'wechat_url_as_link',
        });
        break;
      case 'call':
        out.lines.push(`${a.title}: ${a.phoneNumber}`);
        out.degradations.push({
          pointer: at,
          from: 'call button',
          to: 'text line with the number',
          rule: 'wechat_no_call_button',
        });
        break;
      case 'location_request':
        out.lines.push(a.title);
        out.degradations.push({
          pointer: at,
          from: 'location request',
          to: 'text hint (WeChat users share a location from the chat input)',
          rule: 'wechat_no_location_request',
        });
        break;
    }
  });
  return out;
}

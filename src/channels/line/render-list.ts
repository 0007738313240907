/**
 * LINE has no list picker. A list becomes a Flex bubble: the list's title (`buttonText`, the label
 * of the button that would open the list elsewhere; Konnek's `list.title`) heads the rows, and each
 * row is a tappable box posting back its id. Past LINE's 30 KB per bubble the rows spread over
 * several bubbles; past the five messages of one request, the list is sent as numbered text, where
 * a typed number comes back as the row's postback. Whichever form it takes is recorded.
 */

import type { Degradation, NumberedChoice } from '../../core/vocabulary/channel.ts';
import type { MessageOf } from '../../core/vocabulary/message.ts';
import { graphemeLength } from '../../lib/text.ts';
import { type BubblePart, chunkText, type Planned, splitIntoBubbles } from './flex-fit.ts';
import { flexJsonBytes, LINE_LIMITS as L } from './limits.ts';
import { altText, type LineObject, textMessage } from './render-actions.ts';
import { box, MUTED, SEPARATOR, splitRecord, text } from './render-flex.ts';

type List = MessageOf<'list'>;

export function planList(m: List): Planned {
  const rows = listRows(m);
  const bubbles = splitIntoBubbles(rows, (r, part) => listBubble(m, r, part));
  if (bubbles !== undefined && bubbles.length <= L.messagesPerRequest) {
    const degradations: Degradation[] = [
      { pointer: '/message', from: 'list', to: 'flex bubble with tappable rows', rule: 'line_no_list' },
      {
        pointer: '/message/buttonText',
        from: 'list button',
        to: 'heading above the rows: LINE has no list button, the rows are shown in the message itself',
        rule: 'line_no_list',
      },
    ];
    if (bubbles.length > 1) degradations.push(splitRecord('/message/sections', 'rows', bubbles.length));
    const messages = bubbles.map((contents, i) => ({
      type: 'flex',
      altText: altText(m.header, bubbles.length > 1 ? `${m.text} (${i + 1}/${bubbles.length})` : m.text),
      contents,
    }));
    return { messages, degradations };
  }

  const bytes = flexJsonBytes(listBubble(m, rows.flat(), { first: true, last: true }));
  const { body, choices } = numberedText(m);
  const chunks = chunkText(body);
  const why =
    bubbles === undefined
      ? `a row alone passes LINE's ${L.flexBubbleBytes} bytes per Flex bubble`
      : `as Flex it is ${bytes} bytes of JSON, ${bubbles.length} bubbles of at most ${L.flexBubbleBytes}, more than the ${L.messagesPerRequest} messages of one request`;
  if (chunks.length <= L.messagesPerRequest) {
    return {
      messages: chunks.map(textMessage),
      choices,
      degradations: [
        {
          pointer: '/message',
          from: 'list',
          to: `numbered rows in ${chunks.length} text message(s), a typed number comes back as the row's postback: ${why}`,
          rule: 'line_flex_size',
        },
        {
          pointer: '/message/buttonText',
          from: 'list button',
          to: 'first line of the rows',
          rule: 'line_no_list',
        },
      ],
    };
  }
  return {
    refusal: {
      pointer: '/message/sections',
      rule: 'line_message_count',
      detail: `LINE carries at most ${L.messagesPerRequest} messages per request; ${why}, and as text it needs ${chunks.length} messages of at most ${L.text} characters`,
    },
  };
}

/**
 * The rows, each with the separator and title of its section before the section's first row, so a
 * section never starts at the foot of one bubble with its rows in the next.
 */
function listRows(m: List): LineObject[][] {
  return m.sections.flatMap((section) =>
    section.rows.map((row, j) => {
      const lead: LineObject[] =
        j > 0
          ? []
          : [
              SEPARATOR,
              ...(section.title !== undefined
                ? [text(section.title, { weight: 'bold', size: 'sm', color: MUTED })]
                : []),
            ];
      const lines = [text(row.title, { weight: 'bold' })];
      if (row.description !== undefined) lines.push(text(row.description, { size: 'xs', color: MUTED }));
      const action: LineObject = { type: 'postback', data: row.id };
      if (graphemeLength(row.title) <= L.actionText) action['displayText'] = row.title;
      return [...lead, box('vertical', lines, { action, paddingAll: 'sm' })];
    }),
  );
}

/** One bubble of the list: the header and text open the first, the footer closes the last. */
function listBubble(m: List, rows: LineObject[], part: BubblePart): LineObject {
  const body = [
    ...(part.first ? [text(m.text)] : []),
    text(m.buttonText, { weight: 'bold', margin: 'md' }),
    ...rows,
  ];
  return {
    type: 'bubble',
    ...(part.first && m.header !== undefined
      ? { header: box('vertical', [text(m.header, { weight: 'bold', size: 'lg' })]) }
      : {}),
    body: box('vertical', body, { spacing: 'sm' }),
    ...(part.last && m.footer !== undefined
      ? { footer: box('vertical', [text(m.footer, { size: 'xs', color: MUTED })]) }
      : {}),
  };
}

function numberedText(m: List): { body: string; choices: NumberedChoice[] } {
  const choices: NumberedChoice[] = [];
  const sections = m.sections.map((section) => {
    const rows = section.rows.map((row) => {
      const number = choices.length + 1;
      choices.push({ number, title: row.title, payload: row.id });
      return `${number}. ${row.title}${row.description !== undefined ? ` — ${row.description}` : ''}`;
    });
    return [section.title, ...rows].filter((l) => l !== undefined).join('\n');
  });
  const parts = [m.header, m.text, `${m.buttonText}:\n${sections.join('\n\n')}`, m.footer];
  return { body: parts.filter((p) => p !== undefined).join('\n\n'), choices };
}

/**
 * LINE's documented limits applied to a canonical message before it is stored, so a request LINE
 * would refuse fails at our API with a pointer into the caller's own body rather than hours later
 * in a dead letter. Pointers start at `/message`.
 */

import type { FieldIssue } from '../../core/vocabulary/channel.ts';
import type { CanonicalMessage, MessageOf } from '../../core/vocabulary/message.ts';
import { carouselMode } from './carousel-mode.ts';
import { checkAction, checkActions, LineIssues } from './check-actions.ts';
import type { Planned } from './flex-fit.ts';
import { LINE_LIMITS as L, LINE_CHAT_ID } from './limits.ts';
import { messageLimitIssues } from './provider/wire-limits.ts';
import { planFlexCarousel, planReceipt } from './render-flex.ts';
import { planList } from './render-list.ts';

export function checkLineRecipient(to: string): string | undefined {
  return LINE_CHAT_ID.test(to)
    ? undefined
    : 'a LINE user, group or room id: U, C or R followed by 32 lowercase hex digits';
}

export function checkLineMessage(message: CanonicalMessage): FieldIssue[] {
  const issues = new LineIssues();
  const p = '/message';
  switch (message.type) {
    case 'text':
      issues.maxLength(`${p}/text`, message.text, L.text);
      break;
    case 'media':
      checkMedia(issues, message);
      break;
    case 'location':
      issues.maxLength(`${p}/title`, message.title, L.locationTitle);
      issues.maxLength(`${p}/address`, message.address, L.locationAddress);
      break;
    case 'sticker':
      issues.required(`${p}/packageId`, message.packageId !== undefined, 'LINE stickers need a packageId');
      for (const key of ['packageId', 'stickerId'] as const) {
        const v = message[key];
        if (v !== undefined && !/^[0-9]+$/.test(v)) {
          issues.add(`${p}/${key}`, 'pattern', 'LINE sticker and package ids are numeric strings');
        }
      }
      break;
    case 'buttons':
      checkButtons(issues, message);
      break;
    case 'quick_replies':
      issues.maxLength(`${p}/text`, message.text, L.text);
      issues.maxItems(`${p}/replies`, message.replies, L.quickReplyItems, 'quick replies');
      checkActions(issues, `${p}/replies`, message.replies, { quickReply: true });
      break;
    case 'carousel':
      if (carouselMode(message) === 'template') checkTemplateCarousel(issues, message);
      else {
        checkFlexCarousel(issues, message);
        refuseUnfit(issues, planFlexCarousel(message));
      }
      break;
    case 'list':
      message.sections.forEach((s, i) => {
        s.rows.forEach((r, j) => {
          issues.maxLength(`${p}/sections/${i}/rows/${j}/id`, r.id, L.postbackData);
        });
      });
      refuseUnfit(issues, planList(message));
      break;
    case 'imagemap':
      checkImagemap(issues, message);
      break;
    case 'receipt':
      message.elements.forEach((e, i) => {
        issues.mediaUrl(`${p}/elements/${i}/imageUrl`, e.imageUrl);
      });
      refuseUnfit(issues, planReceipt(message));
      break;
    case 'sender_action':
      if (message.action !== 'typing_on') {
        issues.add(
          `${p}/action`,
          'channel_capability',
          'LINE bots can only show a loading indicator (typing_on)',
        );
      }
      break;
    case 'raw':
      checkRaw(issues, message.payload);
      break;
    case 'template':
      issues.add(`${p}`, 'channel_capability', 'LINE has no stored templates');
      break;
  }
  return issues.list;
}

function checkMedia(issues: LineIssues, m: MessageOf<'media'>): void {
  const p = '/message';
  issues.maxLength(`${p}/caption`, m.caption, L.text);
  if (m.mediaId !== undefined) {
    issues.add(
      `${p}/mediaId`,
      'channel_capability',
      'LINE fetches media by URL; it has no uploaded media ids',
    );
  }
  // A file goes out as a link inside a text message, so LINE never fetches it: any scheme will do.
  if (m.mediaType === 'file') return;
  issues.mediaUrl(`${p}/url`, m.url);
  issues.mediaUrl(`${p}/previewUrl`, m.previewUrl);
  if (m.mediaType === 'video') {
    issues.required(
      `${p}/previewUrl`,
      m.previewUrl !== undefined,
      'LINE videos need a preview image; give previewUrl, or set OMNIGATE_VIDEO_PREVIEW_URL for a placeholder',
    );
  }
  // An audio's duration, which LINE requires, may be read from the file: linked-media.ts decides.
}

function checkButtons(issues: LineIssues, m: MessageOf<'buttons'>): void {
  const p = '/message';
  // Without a title, header text takes the title's place (render.ts does the same).
  const titlePointer = m.title !== undefined ? `${p}/title` : `${p}/header/text`;
  const title = m.title ?? m.header?.text;
  issues.maxLength(titlePointer, title, L.buttonsTitle, 'graphemes');
  issues.mediaUrl(`${p}/header/imageUrl`, m.header?.imageUrl);
  const short = title !== undefined || m.header?.imageUrl !== undefined;
  issues.maxLength(`${p}/text`, m.text, short ? L.buttonsTextShort : L.buttonsText, 'graphemes');
  issues.maxItems(`${p}/actions`, m.actions, L.buttonsActions, 'buttons');
  checkActions(issues, `${p}/actions`, m.actions, { quickReply: false });
}

function checkTemplateCarousel(issues: LineIssues, m: MessageOf<'carousel'>): void {
  const p = '/message/cards';
  issues.maxItems(p, m.cards, L.carouselColumns, 'cards');
  const first = m.cards[0];
  m.cards.forEach((c, i) => {
    const at = `${p}/${i}`;
    issues.required(`${at}/text`, c.text !== undefined, 'LINE carousel cards need text');
    issues.required(`${at}/actions`, c.actions !== undefined, 'LINE carousel cards need at least one action');
    issues.maxItems(`${at}/actions`, c.actions, L.carouselActions, 'actions per card');
    issues.maxLength(`${at}/title`, c.title, L.carouselTitle, 'graphemes');
    const short = c.title !== undefined || c.imageUrl !== undefined;
    issues.maxLength(`${at}/text`, c.text, short ? L.carouselTextShort : L.carouselText, 'graphemes');
    issues.mediaUrl(`${at}/imageUrl`, c.imageUrl);
    checkActions(issues, `${at}/actions`, c.actions, { quickReply: false });
    if (c.defaultAction) checkAction(issues, `${at}/defaultAction`, c.defaultAction, { quickReply: false });
    if (!first || i === 0) return;
    // LINE refuses a carousel whose columns differ in shape (providers.md §1).
    const uniform = 'line_carousel_uniform';
    if (c.actions && first.actions && c.actions.length !== first.actions.length) {
      issues.add(`${at}/actions`, uniform, 'every LINE carousel card needs the same number of actions');
    }
    if ((c.imageUrl === undefined) !== (first.imageUrl === undefined)) {
      issues.add(`${at}/imageUrl`, uniform, 'LINE needs an image on every card or on none');
    }
    if ((c.title === undefined) !== (first.title === undefined)) {
      issues.add(`${at}/title`, uniform, 'LINE needs a title on every card or on none');
    }
  });
}

function checkFlexCarousel(issues: LineIssues, m: MessageOf<'carousel'>): void {
  const p = '/message/cards';
  issues.maxItems(p, m.cards, L.flexCarouselBubbles, 'cards when a card has a badge or button colour');
  m.cards.forEach((c, i) => {
    const at = `${p}/${i}`;
    const shown = [c.imageUrl, c.title, c.text, c.badge, c.actions].some((v) => v !== undefined);
    issues.required(at, shown, 'a card needs an image, a title, a text, a badge or actions');
    issues.mediaUrl(`${at}/imageUrl`, c.imageUrl);
    checkActions(issues, `${at}/actions`, c.actions, { quickReply: false });
    if (c.defaultAction) checkAction(issues, `${at}/defaultAction`, c.defaultAction, { quickReply: false });
  });
}

/** A Flex rendering that fits LINE in no form (see flex-fit.ts) is refused before it is stored. */
function refuseUnfit(issues: LineIssues, plan: Planned): void {
  if ('refusal' in plan) issues.list.push(plan.refusal);
}

function checkImagemap(issues: LineIssues, m: MessageOf<'imagemap'>): void {
  const p = '/message';
  issues.mediaUrl(`${p}/baseUrl`, m.baseUrl);
  issues.maxLength(`${p}/altText`, m.altText, L.altText);
  if (m.width !== L.imagemapWidth) {
    issues.add(
      `${p}/width`,
      'line_imagemap_width',
      `LINE imagemaps are ${L.imagemapWidth} pixels wide (baseSize.width must be ${L.imagemapWidth}, areas in that scale); this has ${m.width}`,
    );
  }
  issues.maxItems(`${p}/areas`, m.areas, L.imagemapActions, 'imagemap areas');
  m.areas.forEach((a, i) => {
    const at = `${p}/areas/${i}/action`;
    // The title becomes the action's label, which LINE's accessibility reader speaks.
    issues.maxLength(`${at}/title`, a.action.title, L.imagemapLabel);
    if (a.action.type === 'url') issues.maxLength(`${at}/url`, a.action.url, L.uriAction);
    else issues.maxLength(`${at}/text`, a.action.text, L.imagemapMessageText);
  });
}

/**
 * A caller's own LINE message object goes out as is, so it meets the same prose limits the
 * emulator applies (wire-limits.ts), Flex size included, named by pointers into the payload.
 */
function checkRaw(issues: LineIssues, payload: unknown): void {
  const type = (payload as Record<string, unknown>)['type'];
  if (typeof type !== 'string') {
    issues.add('/message/payload/type', 'required', 'a LINE message object needs its type');
    return;
  }
  for (const issue of messageLimitIssues({ messages: [payload] })) {
    const rest = issue.property
      .replace(/^messages\[0\]/, '')
      .replace(/\[(\d+)\]/g, '.$1')
      .split('.')
      .filter((part) => part !== '')
      .map((part) => `/${part.replace(/~/g, '~0').replace(/\//g, '~1')}`)
      .join('');
    issues.add(`/message/payload${rest}`, issue.rule, `LINE refuses this value: ${issue.message}`);
  }
}

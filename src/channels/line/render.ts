/**
 * A canonical message as the one LINE request that carries it: a push (or, given a reply token, a
 * reply) of up to five message objects, or the loading indicator for `typing_on`. Everything a
 * kind needs beyond one message object still goes out in that single request, so the retry key
 * covers all of it.
 */

import type { RenderContext, RenderResult } from '../../core/vocabulary/channel.ts';
import type { CanonicalMessage } from '../../core/vocabulary/message.ts';
import { optionsOf } from '../kit/options.ts';
import { carouselMode } from './carousel-mode.ts';
import { type Fitted, fitted } from './flex-fit.ts';
import { probedDurationMs } from './linked-media.ts';
import { LineOptions } from './options.ts';
import { LINE_PATHS } from './provider/api.ts';
import { type LineObject, textMessage, toQuickReplyItem } from './render-actions.ts';
import { renderImagemap, renderLocation, renderMedia, renderSticker } from './render-basic.ts';
import { planFlexCarousel, planReceipt } from './render-flex.ts';
import { planList } from './render-list.ts';
import { renderButtons, renderTemplateCarousel } from './render-template.ts';

/** LINE shows the indicator for 20 s when not told otherwise; we say so explicitly. */
const DEFAULT_LOADING_SECONDS = 20;

export function renderLine(message: CanonicalMessage, ctx: RenderContext): RenderResult {
  const options = optionsOf(LineOptions, ctx.options);
  if (message.type === 'sender_action') {
    // Only typing_on reaches here (check refuses the others). A reply token cannot be spent on it.
    const body = { chatId: ctx.to, loadingSeconds: options.loadingSeconds ?? DEFAULT_LOADING_SECONDS };
    return { request: { method: 'POST', path: LINE_PATHS.loading, body }, degradations: [] };
  }
  // LINE requires an audio's duration: one the send did not give was read from the file.
  const durationMs =
    message.type === 'media' && message.mediaType === 'audio' && message.durationMs === undefined
      ? probedDurationMs(ctx.media)
      : undefined;
  const { messages, degradations, choices } = renderMessages(
    durationMs !== undefined && message.type === 'media' ? { ...message, durationMs } : message,
  );
  const numbered = choices !== undefined ? { choices } : {};
  const extra =
    options.notificationDisabled !== undefined ? { notificationDisabled: options.notificationDisabled } : {};
  if (options.replyToken !== undefined) {
    // The retry key is a push-only feature; a reply token is single-use, which does the same job.
    const body = { replyToken: options.replyToken, messages, ...extra };
    return { request: { method: 'POST', path: LINE_PATHS.reply, body }, degradations, ...numbered };
  }
  return {
    request: {
      method: 'POST',
      path: LINE_PATHS.push,
      headers: { 'X-Line-Retry-Key': ctx.retryKey },
      body: { to: ctx.to, messages, ...extra },
    },
    degradations,
    ...numbered,
  };
}

function renderMessages(message: Exclude<CanonicalMessage, { type: 'sender_action' }>): Fitted {
  switch (message.type) {
    case 'text':
      return { messages: [textMessage(message.text)], degradations: [] };
    case 'media':
      return renderMedia(message);
    case 'location':
      return renderLocation(message);
    case 'sticker':
      return renderSticker(message);
    case 'buttons':
      return renderButtons(message);
    case 'quick_replies': {
      const quickReply = { items: message.replies.map(toQuickReplyItem) };
      const text: LineObject = { ...textMessage(message.text), quickReply };
      return { messages: [text], degradations: [] };
    }
    case 'carousel':
      return carouselMode(message) === 'flex'
        ? fitted(planFlexCarousel(message))
        : renderTemplateCarousel(message);
    case 'list':
      return fitted(planList(message));
    case 'imagemap':
      return renderImagemap(message);
    case 'receipt':
      return fitted(planReceipt(message));
    case 'raw':
      return { messages: [message.payload], degradations: [] };
    case 'template':
      // The capability table refuses this kind, so the core never asks; reaching here is a bug.
      throw new Error('LINE cannot carry template messages');
  }
}

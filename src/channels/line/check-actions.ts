/**
 * Limit checks shared by every LINE message kind: lengths in the unit LINE counts, HTTPS-only media
 * URLs, and the action rules (label, postback data, URI length, where `location` may appear).
 */

import type { Action } from '../../core/vocabulary/message.ts';
import { Issues, MEASURES } from '../kit/issues.ts';
import { isHttpsUrl, LINE_LIMITS } from './limits.ts';

/**
 * LINE's issues: lengths in UTF-16 code units unless a check counts characters (`'graphemes'`),
 * and the rule for the URLs LINE fetches itself. The façades that send through LINE check with it
 * too, so it takes no arguments.
 */
export class LineIssues extends Issues {
  constructor() {
    super('LINE', MEASURES.utf16);
  }

  /** A URL LINE fetches itself: HTTPS only, at most 2000 characters. */
  mediaUrl(pointer: string, url: string | undefined): void {
    if (url === undefined) return;
    if (!isHttpsUrl(url)) this.add(pointer, 'https_only', 'LINE fetches media over HTTPS only');
    this.maxLength(pointer, url, LINE_LIMITS.url);
  }
}

export interface ActionPlace {
  /** Quick reply is the only place LINE offers the `location` action. */
  quickReply: boolean;
}

export function checkAction(issues: LineIssues, pointer: string, action: Action, place: ActionPlace): void {
  issues.maxLength(`${pointer}/title`, action.title, LINE_LIMITS.actionLabel, 'graphemes');
  switch (action.type) {
    case 'reply':
      issues.maxLength(`${pointer}/payload`, action.payload, LINE_LIMITS.postbackData);
      break;
    case 'url':
      issues.maxLength(`${pointer}/url`, action.url, LINE_LIMITS.uriAction);
      break;
    case 'message':
      issues.maxLength(`${pointer}/text`, action.text, LINE_LIMITS.actionText, 'graphemes');
      break;
    case 'location_request':
      if (!place.quickReply) {
        issues.add(pointer, 'channel_capability', 'LINE offers the location request only as a quick reply');
      }
      break;
    case 'call':
      break;
  }
}

export function checkActions(
  issues: LineIssues,
  pointer: string,
  actions: readonly Action[] | undefined,
  place: ActionPlace,
): void {
  actions?.forEach((a, i) => {
    checkAction(issues, `${pointer}/${i}`, a, place);
  });
}

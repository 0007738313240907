/**
 * Limit checks shared by every LINE message kind: lengths in the unit LINE counts, HTTPS-only media
 * URLs, and the action rules (label, postback data, URI length, where `location` may appear).
 */

import type { FieldIssue } from '../../core/vocabulary/channel.ts';
import type { Action } from '../../core/vocabulary/message.ts';
import { graphemeLength, utf16Length } from '../../lib/text.ts';
import { isHttpsUrl, LINE_LIMITS } from './limits.ts';

export type Unit = 'utf16' | 'graphemes';

/** Collects issues; every helper is a no-op when the value is absent. */
export class Issues {
  readonly list: FieldIssue[] = [];

  add(pointer: string, rule: string, detail: string): void {
    this.list.push({ pointer, rule, detail });
  }

  maxLength(pointer: string, value: string | undefined, max: number, unit: Unit = 'utf16'): void {
    if (value === undefined) return;
    const n = unit === 'utf16' ? utf16Length(value) : graphemeLength(value);
    if (n > max) {
      const what = unit === 'utf16' ? 'UTF-16 code units' : 'characters';
      this.add(pointer, 'maxLength', `LINE allows at most ${max} ${what} here; this has ${n}`);
    }
  }

  maxItems(pointer: string, items: readonly unknown[] | undefined, max: number, what: string): void {
    if (items && items.length > max) {
      this.add(pointer, 'maxItems', `LINE allows at most ${max} ${what}; this has ${items.length}`);
    }
  }

  required(pointer: string, present: boolean, detail: string): void {
    if (!present) this.add(pointer, 'required', detail);
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

export function checkAction(issues: Issues, pointer: string, action: Action, place: ActionPlace): void {
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
  issues: Issues,
  pointer: string,
  actions: readonly Action[] | undefined,
  place: ActionPlace,
): void {
  actions?.forEach((a, i) => {
    checkAction(issues, `${pointer}/${i}`, a, place);
  });
}

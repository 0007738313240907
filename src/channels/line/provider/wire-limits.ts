/**
 * The limits LINE states only in prose (providers.md §1), applied to a request body that already
 * passed the OpenAPI schema: text lengths in UTF-16 units, labels and template fields in grapheme
 * clusters, HTTPS-only media URLs of at most 2000 characters, URI schemes, action counts per
 * template, equal-shaped carousel columns, where the `location` action may appear, the imagemap's
 * width, action count and action texts, and the JSON size of Flex bubbles and carousels. The
 * connector's `check` runs the same walk over a caller's `raw` message object.
 */
import { isObj, type Obj } from '../../../lib/json.ts';
import { graphemeLength, utf16Length } from '../../../lib/text.ts';
import { flexJsonBytes, isHttpsUrl, LINE_LIMITS as L, URI_ACTION_SCHEMES, uriScheme } from '../limits.ts';

export interface LineErrorDetail {
  message: string;
  property: string;
}

/** A detail with the stable name of the rule it breaks, for `check`; LINE's answer has no rule. */
export interface LimitIssue extends LineErrorDetail {
  rule: string;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

interface ActionPlace {
  labelRequired: boolean;
  labelMax?: number;
  quickReply: boolean;
}
const QUICK_REPLY: ActionPlace = { labelRequired: true, labelMax: L.actionLabel, quickReply: true };
const TEMPLATE: ActionPlace = { labelRequired: true, labelMax: L.actionLabel, quickReply: false };
const DEFAULT_ACTION: ActionPlace = { labelRequired: false, labelMax: L.actionLabel, quickReply: false };

class Walker {
  readonly details: LimitIssue[] = [];

  add(property: string, message: string, rule = 'line_limit'): void {
    this.details.push({ property, message, rule });
  }

  text(path: string, v: unknown, max: number, unit: 'utf16' | 'graphemes', required = true): void {
    if (typeof v !== 'string') {
      if (required) this.add(path, 'must be specified', 'required');
      return;
    }
    if (required && v === '') this.add(path, 'May not be empty', 'required');
    const n = unit === 'utf16' ? utf16Length(v) : graphemeLength(v);
    if (n > max) this.add(path, `Length must be between 0 and ${max}`, 'maxLength');
  }

  url(path: string, v: unknown, required = false): void {
    if (typeof v !== 'string') {
      if (required) this.add(path, 'must be specified', 'required');
      return;
    }
    if (!isHttpsUrl(v)) this.add(path, 'Only HTTPS URLs are allowed', 'https_only');
    if (utf16Length(v) > L.url) this.add(path, `Length must be between 0 and ${L.url}`, 'maxLength');
  }

  uri(path: string, v: unknown): void {
    if (typeof v !== 'string') {
      this.add(path, 'must be specified', 'required');
      return;
    }
    if (!URI_ACTION_SCHEMES.includes(uriScheme(v) ?? '')) this.add(path, 'Invalid URI scheme', 'uri_scheme');
    if (utf16Length(v) > L.uriAction)
      this.add(path, `Length must be between 0 and ${L.uriAction}`, 'maxLength');
  }

  count(path: string, items: unknown[], min: number, max: number): void {
    if (items.length < min || items.length > max)
      this.add(path, `Size must be between ${min} and ${max}`, items.length > max ? 'maxItems' : 'minItems');
  }

  /** JSON size as LINE limits Flex containers (limits.ts `flexBubbleBytes`). */
  bytes(path: string, v: unknown, max: number, what: string): void {
    const n = flexJsonBytes(v);
    if (n > max)
      this.add(path, `The JSON data of a ${what} must be at most ${max} bytes; this is ${n}`, 'maxBytes');
  }

  /** An imagemap or video area: "Value must be 0 or higher" for x and y, in LINE's reference. */
  area(path: string, a: unknown): void {
    if (a === undefined) {
      this.add(path, 'must be specified', 'required');
      return;
    }
    if (!isObj(a)) return;
    for (const key of ['x', 'y']) {
      const v = a[key];
      if (typeof v === 'number' && v < 0) this.add(`${path}.${key}`, 'Must be 0 or higher', 'minimum');
    }
  }

  imagemap(path: string, m: Obj): void {
    this.url(`${path}.baseUrl`, m['baseUrl']);
    this.text(`${path}.altText`, m['altText'], L.altText, 'utf16');
    const size = m['baseSize'];
    if (isObj(size) && size['width'] !== L.imagemapWidth) {
      this.add(
        `${path}.baseSize.width`,
        `Must be one of the following values: [${L.imagemapWidth}]`,
        'line_imagemap_width',
      );
    }
    const actions = list(m['actions']);
    if (actions.length > L.imagemapActions)
      this.add(`${path}.actions`, `Size must be between 0 and ${L.imagemapActions}`, 'maxItems');
    actions.forEach((a, j) => {
      const at = `${path}.actions[${j}]`;
      if (!isObj(a)) return;
      this.text(`${at}.label`, a['label'], L.imagemapLabel, 'utf16', false);
      if (a['type'] === 'uri') this.uri(`${at}.linkUri`, a['linkUri']);
      if (a['type'] === 'message') this.text(`${at}.text`, a['text'], L.imagemapMessageText, 'utf16');
      this.area(`${at}.area`, a['area']);
    });
    const video = m['video'];
    if (!isObj(video)) return;
    // Every video field is required once a video is given; the link's two once a link is.
    this.url(`${path}.video.originalContentUrl`, video['originalContentUrl'], true);
    this.url(`${path}.video.previewImageUrl`, video['previewImageUrl'], true);
    this.area(`${path}.video.area`, video['area']);
    const link = video['externalLink'];
    if (isObj(link)) {
      this.uri(`${path}.video.externalLink.linkUri`, link['linkUri']);
      this.text(`${path}.video.externalLink.label`, link['label'], L.imagemapVideoLabel, 'utf16');
    }
  }

  action(path: string, a: unknown, where: ActionPlace): void {
    if (!isObj(a)) return;
    if (a['label'] === undefined && where.labelRequired)
      this.add(path, '`label` must be specified', 'required');
    // Flex labels have no limit in our reference, so none is enforced there.
    else if (where.labelMax !== undefined)
      this.text(`${path}.label`, a['label'], where.labelMax, 'graphemes', false);
    switch (a['type']) {
      case 'postback':
        this.text(`${path}.displayText`, a['displayText'], L.actionText, 'graphemes', false);
        break;
      case 'message':
        this.text(`${path}.text`, a['text'], L.actionText, 'graphemes');
        break;
      case 'uri':
        this.uri(`${path}.uri`, a['uri']);
        break;
      case 'location':
        if (!where.quickReply)
          this.add(`${path}.type`, 'The location action is only available in quick reply');
        break;
      case 'richmenuswitch':
        if (where.quickReply)
          this.add(`${path}.type`, 'The richmenuswitch action is not available in quick reply');
        break;
    }
  }

  message(path: string, m: Obj): void {
    list(isObj(m['quickReply']) ? m['quickReply']['items'] : undefined).forEach((item, j) => {
      const at = `${path}.quickReply.items[${j}]`;
      if (!isObj(item)) return;
      this.url(`${at}.imageUrl`, item['imageUrl']);
      if (item['action'] === undefined) this.add(`${at}.action`, 'must be specified', 'required');
      this.action(`${at}.action`, item['action'], QUICK_REPLY);
    });
    if (isObj(m['sender'])) this.url(`${path}.sender.iconUrl`, m['sender']['iconUrl']);
    switch (m['type']) {
      case 'text':
      case 'textV2':
        this.text(`${path}.text`, m['text'], L.text, 'utf16');
        return;
      case 'image':
      case 'video':
        this.url(`${path}.originalContentUrl`, m['originalContentUrl']);
        this.url(`${path}.previewImageUrl`, m['previewImageUrl']);
        return;
      case 'audio':
        this.url(`${path}.originalContentUrl`, m['originalContentUrl']);
        if (typeof m['duration'] === 'number' && m['duration'] <= 0)
          this.add(`${path}.duration`, 'must be positive');
        return;
      case 'location':
        this.text(`${path}.title`, m['title'], L.locationTitle, 'utf16');
        this.text(`${path}.address`, m['address'], L.locationAddress, 'utf16');
        return;
      case 'imagemap':
        this.imagemap(path, m);
        return;
      case 'template':
        this.text(`${path}.altText`, m['altText'], L.altText, 'utf16');
        if (isObj(m['template'])) this.template(`${path}.template`, m['template']);
        return;
      case 'flex': {
        this.text(`${path}.altText`, m['altText'], L.altText, 'utf16');
        const contents = m['contents'];
        if (isObj(contents) && contents['type'] === 'carousel') {
          const bubbles = list(contents['contents']);
          this.count(`${path}.contents.contents`, bubbles, 1, L.flexCarouselBubbles);
          this.bytes(`${path}.contents`, contents, L.flexCarouselBytes, 'carousel');
          bubbles.forEach((b, k) => {
            this.bytes(`${path}.contents.contents[${k}]`, b, L.flexBubbleBytes, 'bubble');
          });
        } else if (isObj(contents)) {
          this.bytes(`${path}.contents`, contents, L.flexBubbleBytes, 'bubble');
        }
        this.flex(`${path}.contents`, m['contents']);
        return;
      }
    }
  }

  template(path: string, t: Obj): void {
    const actions = (at: string, items: unknown[]) => {
      items.forEach((a, j) => {
        this.action(`${at}[${j}]`, a, TEMPLATE);
      });
    };
    switch (t['type']) {
      case 'buttons': {
        this.url(`${path}.thumbnailImageUrl`, t['thumbnailImageUrl']);
        this.text(`${path}.title`, t['title'], L.buttonsTitle, 'graphemes', false);
        const short = t['thumbnailImageUrl'] !== undefined || t['title'] !== undefined;
        this.text(`${path}.text`, t['text'], short ? L.buttonsTextShort : L.buttonsText, 'graphemes');
        this.count(`${path}.actions`, list(t['actions']), 1, L.buttonsActions);
        actions(`${path}.actions`, list(t['actions']));
        this.action(`${path}.defaultAction`, t['defaultAction'], DEFAULT_ACTION);
        return;
      }
      case 'confirm':
        this.text(`${path}.text`, t['text'], L.confirmText, 'graphemes');
        this.count(`${path}.actions`, list(t['actions']), L.confirmActions, L.confirmActions);
        actions(`${path}.actions`, list(t['actions']));
        return;
      case 'carousel':
        this.carousel(path, list(t['columns']).filter(isObj));
        return;
      case 'image_carousel':
        this.count(`${path}.columns`, list(t['columns']), 1, L.carouselColumns);
        list(t['columns']).forEach((c, k) => {
          if (!isObj(c)) return;
          this.url(`${path}.columns[${k}].imageUrl`, c['imageUrl']);
          this.action(`${path}.columns[${k}].action`, c['action'], DEFAULT_ACTION);
        });
        return;
    }
  }

  carousel(path: string, columns: Obj[]): void {
    this.count(`${path}.columns`, columns, 1, L.carouselColumns);
    const first = columns[0];
    columns.forEach((c, k) => {
      const at = `${path}.columns[${k}]`;
      this.url(`${at}.thumbnailImageUrl`, c['thumbnailImageUrl']);
      this.text(`${at}.title`, c['title'], L.carouselTitle, 'graphemes', false);
      const short = c['thumbnailImageUrl'] !== undefined || c['title'] !== undefined;
      this.text(`${at}.text`, c['text'], short ? L.carouselTextShort : L.carouselText, 'graphemes');
      const acts = list(c['actions']);
      this.count(`${at}.actions`, acts, 1, L.carouselActions);
      acts.forEach((a, j) => {
        this.action(`${at}.actions[${j}]`, a, TEMPLATE);
      });
      this.action(`${at}.defaultAction`, c['defaultAction'], DEFAULT_ACTION);
      if (first === undefined || k === 0) return;
      if (acts.length !== list(first['actions']).length) {
        this.add(`${at}.actions`, 'All columns must have the same number of actions');
      }
      for (const key of ['thumbnailImageUrl', 'title']) {
        if ((c[key] === undefined) !== (first[key] === undefined)) {
          this.add(`${at}.${key}`, `Either all columns or none must have ${key}`);
        }
      }
    });
  }

  /** Flex trees: media URLs anywhere, actions anywhere (a button's action needs its label). */
  flex(path: string, node: unknown): void {
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        this.flex(`${path}[${i}]`, child);
      });
      return;
    }
    if (!isObj(node)) return;
    if (node['type'] === 'image' || node['type'] === 'icon' || node['type'] === 'video') {
      this.url(`${path}.url`, node['url']);
      this.url(`${path}.previewUrl`, node['previewUrl']);
    }
    if (node['action'] !== undefined) {
      this.action(`${path}.action`, node['action'], {
        labelRequired: node['type'] === 'button',
        quickReply: false,
      });
    }
    for (const key of ['header', 'hero', 'body', 'footer', 'contents', 'altContent']) {
      if (node[key] !== undefined) this.flex(`${path}.${key}`, node[key]);
    }
  }
}

/** Prose limits of a push or reply body (`messages`). */
export function messageLimitIssues(body: unknown): LimitIssue[] {
  const walker = new Walker();
  if (!isObj(body)) return walker.details;
  list(body['messages']).forEach((m, i) => {
    if (isObj(m)) walker.message(`messages[${i}]`, m);
  });
  return walker.details;
}

/**
 * docs/capabilities.md is generated from each connector's `capabilities`; this holds the
 * declarations to what the connectors do. Every form of every kind (test/fixtures/kind-variants.ts)
 * is previewed and sent through the public API on every channel, and the outcome must agree with
 * the cell:
 * - `refused`: every form answers 422 GW_CAPABILITY, `channel_capability` at /message/type;
 * - `native`: every form is sent with no degradation, and the emulator receives the provider's own
 *   object for the kind (a LINE location, a Messenger generic template, ...);
 * - `degraded`: every form is sent, and the declared rule is recorded for at least one of them;
 * - `refuses …`: declared exactly when some forms answer 422 `channel_capability` at their field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, CONNECTORS } from '../../src/channels/registry.ts';
import type { FieldIssue } from '../../src/core/vocabulary/channel.ts';
import { MESSAGE_KINDS, type MessageKind } from '../../src/core/vocabulary/message.ts';
import { SANDBOX_RECIPIENTS } from '../../src/sandbox/sample-recipients.ts';
import type { RecordedRequest } from '../../src/sandbox/types.ts';
import { kindVariants } from '../fixtures/kind-variants.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw.close());

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});

/** A short name for the provider object a request carries, e.g. `template:buttons`, `sendPhoto+inline`. */
function formOf(channel: string, recorded: RecordedRequest): string {
  const body = obj(recorded.body);
  switch (channel) {
    case 'line': {
      if (recorded.path.includes('/chat/loading/')) return 'loading';
      return (body['messages'] as Obj[])
        .map((m) => {
          const inner = obj(m['template'])['type'] ?? obj(m['contents'])['type'];
          return `${m['type']}${inner ? `:${inner}` : ''}${m['quickReply'] ? '+quickReply' : ''}`;
        })
        .join(',');
    }
    case 'messenger':
    case 'instagram': {
      if (body['sender_action']) return 'sender_action';
      const message = obj(body['message']);
      const attachment = obj(message['attachment']);
      if (attachment['type']) {
        const template = obj(attachment['payload'])['template_type'];
        return `attachment:${attachment['type']}${template ? `:${template}` : ''}`;
      }
      return `text${message['quick_replies'] ? '+quick_replies' : ''}`;
    }
    case 'telegram': {
      const markup = obj(body['reply_markup']);
      const keyboard = markup['inline_keyboard'] ? '+inline' : markup['keyboard'] ? '+keyboard' : '';
      return `${recorded.path.split('/').at(-1)}${keyboard}`;
    }
    case 'viber':
      return `${body['type']}${body['keyboard'] ? '+keyboard' : ''}`;
    case 'wechat':
      return recorded.path.includes('/typing') ? 'typing' : String(body['msgtype']);
    case 'whatsapp': {
      const interactive = obj(body['interactive'])['type'];
      return `${body['type']}${interactive ? `:${interactive}` : ''}`;
    }
  }
  throw new Error(`no form reader for ${channel}`);
}

/** The provider's own object for each kind, where the channel has one. */
const NATIVE_FORMS: Partial<Record<MessageKind, Record<string, RegExp>>> = {
  text: {
    line: /^text$/,
    messenger: /^text$/,
    instagram: /^text$/,
    telegram: /^sendMessage$/,
    viber: /^text$/,
    wechat: /^text$/,
    whatsapp: /^text$/,
  },
  media: {
    line: /^(image|video|audio)$/,
    messenger: /^attachment:(image|video|audio|file)$/,
    instagram: /^attachment:(image|video|audio|file)$/,
    telegram: /^send(Photo|Video|Audio|Voice|Document)$/,
    viber: /^(picture|video|file)$/,
    wechat: /^(image|voice|video)$/,
    whatsapp: /^(image|video|audio|document)$/,
  },
  location: {
    line: /^location$/,
    telegram: /^send(Location|Venue)$/,
    viber: /^location$/,
    whatsapp: /^location$/,
  },
  sticker: { line: /^sticker$/, telegram: /^sendSticker$/, viber: /^sticker$/, whatsapp: /^sticker$/ },
  buttons: {
    line: /^template:buttons$/,
    messenger: /^attachment:template:button$/,
    instagram: /^attachment:template:button$/,
    telegram: /^send(Message|Photo)\+inline$/,
    viber: /^rich_media$/,
    wechat: /^msgmenu$/,
    whatsapp: /^interactive:(button|cta_url)$/,
  },
  quick_replies: {
    line: /^text\+quickReply$/,
    messenger: /^text\+quick_replies$/,
    instagram: /^text\+quick_replies$/,
    telegram: /^sendMessage\+keyboard$/,
    viber: /^text\+keyboard$/,
    wechat: /^msgmenu$/,
    whatsapp: /^interactive:button$/,
  },
  carousel: {
    line: /^(template|flex):carousel$/,
    messenger: /^attachment:template:generic$/,
    instagram: /^attachment:template:generic$/,
    viber: /^rich_media$/,
    whatsapp: /^interactive:carousel$/,
  },
  list: { whatsapp: /^interactive:list$/ },
  imagemap: { line: /^imagemap$/ },
  template: { whatsapp: /^template$/ },
  receipt: { messenger: /^attachment:template:receipt$/ },
  sender_action: {
    line: /^loading$/,
    messenger: /^sender_action$/,
    instagram: /^sender_action$/,
    telegram: /^sendChatAction$/,
    wechat: /^typing$/,
  },
};

interface Outcome {
  variant: string;
  refusal?: { code: string; errors: FieldIssue[] };
  rules: string[];
  form?: string;
}

let recipientNumber = 1000;

/** Previews and sends one form, and checks the preview is the send's own answer. */
async function outcomeOf(channel: string, variant: string, message: unknown): Promise<Outcome> {
  const to = SANDBOX_RECIPIENTS[channel]!(recipientNumber++);
  const body = { channel, to, message };
  const preview = await gw.api('POST', '/v1/messages/preview', body);
  const send = await gw.api('POST', '/v1/messages', body);
  if (send.status !== 202) {
    expect(send.status, `${variant}: ${JSON.stringify(send.json)}`).toBe(422);
    expect([preview.status, preview.json.errors]).toEqual([422, send.json.errors]);
    return { variant, refusal: { code: send.json.code, errors: send.json.errors }, rules: [] };
  }
  expect(preview.status).toBe(200);
  // Emulators answer with receipts at once: a message may be read before it is looked at.
  const sent = await gw.waitForStatus(send.json.messages[0].id, ['sent', 'delivered', 'read', 'failed']);
  expect(sent.status, `${variant}: ${JSON.stringify(sent.events)}`).not.toBe('failed');
  const degradations = sent.degradations as Array<{ rule: string }>;
  expect(preview.json.previews[0].recipients[0].degradations).toEqual(degradations);
  const recorded = gw.requests(channel, to).at(-1);
  expect(recorded, `${variant}: nothing reached the ${channel} emulator`).toBeDefined();
  // The samples link to hosts this machine cannot reach, so their media is judged by name and says
  // so (docs/linked-media.md); that note is about the probe, not about how the channel carries it.
  const rules = degradations.map((d) => d.rule).filter((rule) => rule !== 'media_unprobed');
  return { variant, rules, form: formOf(channel, recorded!) };
}

/** What disagrees with the declaration, one line each; empty when the cell is right. */
function disagreements(channel: string, kind: MessageKind, outcomes: Outcome[]): string[] {
  const declared = CONNECTORS[channel]!.capabilities[kind];
  const found: string[] = [];
  if (declared.support === 'refused') {
    for (const o of outcomes) {
      const refusedKind =
        o.refusal?.code === 'GW_CAPABILITY' &&
        o.refusal.errors.length === 1 &&
        o.refusal.errors[0]!.pointer === '/message/type' &&
        o.refusal.errors[0]!.rule === 'channel_capability';
      if (!refusedKind)
        found.push(`${o.variant}: declared refused, answered ${JSON.stringify(o.refusal ?? o.rules)}`);
    }
    return found;
  }
  const refused = outcomes.filter((o) => o.refusal !== undefined);
  for (const o of refused) {
    const capability =
      o.refusal!.code === 'GW_CAPABILITY' && o.refusal!.errors.every((e) => e.rule === 'channel_capability');
    if (!capability) found.push(`${o.variant}: a representative form refused: ${JSON.stringify(o.refusal)}`);
  }
  if (refused.length > 0 && declared.refuses === undefined) {
    found.push(`refuses ${refused.map((o) => o.variant).join(', ')} but declares no \`refuses\``);
  }
  if (refused.length === 0 && declared.refuses !== undefined) {
    found.push(`declares refuses "${declared.refuses}" but refuses no form`);
  }
  const carried = outcomes.filter((o) => o.refusal === undefined);
  if (declared.support === 'native') {
    const form = NATIVE_FORMS[kind]?.[channel] ?? /.*/;
    for (const o of carried) {
      if (o.rules.length > 0) found.push(`${o.variant}: declared native, recorded ${o.rules.join(', ')}`);
      if (!form.test(o.form!)) found.push(`${o.variant}: declared native, the provider got ${o.form}`);
    }
    if (kind !== 'raw' && NATIVE_FORMS[kind]?.[channel] === undefined) {
      found.push(`declared native, but ${channel} has no provider object for ${kind} known to this test`);
    }
  } else if (!carried.some((o) => o.rules.includes(declared.rule))) {
    found.push(
      `declared degraded by ${declared.rule}, which no form records (${carried.map((o) => `${o.variant}: ${o.rules.join(', ') || 'none'}`).join('; ')})`,
    );
  }
  return found;
}

describe.each(CHANNEL_NAMES)('%s carries each kind as docs/capabilities.md says', (channel) => {
  it.each(MESSAGE_KINDS)('%s', async (kind) => {
    const outcomes: Outcome[] = [];
    for (const { name, message } of kindVariants(kind, channel)) {
      outcomes.push(await outcomeOf(channel, name, message));
    }
    expect(disagreements(channel, kind, outcomes)).toEqual([]);
  });
});

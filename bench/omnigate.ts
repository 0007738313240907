/**
 * Omnigate's side of the workloads: a channel account on the fake provider, W1 and W2 with a
 * per-message callbackUrl to the sink, and the raw baseline (the same provider request, rendered
 * by the channel's own connector, posted straight to the fake provider).
 */
import { CONNECTORS } from '../src/channels/registry.ts';
import type { ChannelConnector } from '../src/core/ports/channel.ts';
import { SANDBOX_RECIPIENTS } from '../src/sandbox/sample-recipients.ts';
import { post, postJson } from './driver.ts';
import { type Figures, type Helpers, measureRun, rawRate } from './measure.ts';
import { OPTIONS } from './options.ts';
import { API_KEY } from './setups.ts';

function pickChannel(): [ChannelConnector, (n: number) => string] {
  const c = CONNECTORS[OPTIONS.channel];
  const r = SANDBOX_RECIPIENTS[OPTIONS.channel];
  // WeChat fetches an access token first, which the fake provider does not answer.
  const usable = Object.keys(SANDBOX_RECIPIENTS).filter((n) => !CONNECTORS[n]?.accessToken);
  if (!c || !r || c.accessToken) throw new Error(`--channel must be one of ${usable.join(', ')}`);
  return [c, r];
}
export const [connector, recipientFor] = pickChannel();

/**
 * Production mode refuses the emulators' public credentials, so the bench's account holds them
 * with the last letter or digit of each value moved on by one: the same shape, another value.
 */
function benchCredentials(): Record<string, string> {
  const next = (ch: string) =>
    ch === '9' ? '0' : ch === 'z' ? 'a' : ch === 'Z' ? 'A' : String.fromCharCode(ch.charCodeAt(0) + 1);
  return Object.fromEntries(
    Object.entries(connector.sandboxCredentials).map(([field, value]) => [
      field,
      String(value).replace(/[0-9A-Za-z](?=[^0-9A-Za-z]*$)/, next),
    ]),
  );
}
const credentials = benchCredentials();

const auth = { authorization: `Bearer ${API_KEY}` };

/** A gateway ready for the workloads: where it listens and the account the sends go from. */
export interface Target {
  url: string;
  accountId: string;
}

export async function createAccount(gatewayUrl: string): Promise<Target> {
  const account = await postJson<{ id: string }>(
    `${gatewayUrl}/v1/channel-accounts`,
    { channel: OPTIONS.channel, name: 'bench', credentials },
    auth,
  );
  return { url: gatewayUrl, accountId: account.id };
}

/** What the dispatcher posts for one text, rendered and authorized by the channel's own connector. */
function rawSend(h: Helpers, to: string, text: string): Promise<number> {
  const rendered = connector.render({ type: 'text', text }, { to, retryKey: crypto.randomUUID() });
  const { path, headers, body } = connector.authorize(rendered.request, credentials);
  return post(`${h.provider}/${OPTIONS.channel}${path}`, body ?? rendered.request.body, headers);
}

async function rawBaseline(h: Helpers, total: number): Promise<number> {
  return rawRate(total, OPTIONS.w1Concurrency, async (i) => {
    const status = await rawSend(h, recipientFor(i), `bench ${i}`);
    if (status !== 200) throw new Error(`raw send answered ${status}`);
  });
}

export async function omnigateW1(
  t: Target,
  h: Helpers,
  run: number,
  sends = OPTIONS.w1Sends,
  withRaw = true,
): Promise<Figures> {
  const figures = await measureRun(h, {
    messages: sends,
    requests: sends,
    concurrency: OPTIONS.w1Concurrency,
    send: async (i) => {
      const status = await post(
        `${t.url}/v1/messages`,
        {
          channel: OPTIONS.channel,
          from: t.accountId,
          to: recipientFor(run * OPTIONS.w1Sends + i),
          message: { type: 'text', text: `bench ${i}` },
          callbackUrl: `${h.sink}/omnigate`,
        },
        auth,
      );
      if (status !== 202) throw new Error(`send answered ${status}`);
    },
  });
  return withRaw ? { ...figures, raw: await rawBaseline(h, sends) } : figures;
}

export async function omnigateW2(t: Target, h: Helpers, run: number): Promise<Figures> {
  const size = OPTIONS.batchSize;
  const total = OPTIONS.w2Requests * size;
  const figures = await measureRun(h, {
    messages: total,
    requests: OPTIONS.w2Requests,
    concurrency: OPTIONS.w2Concurrency,
    send: async (i) => {
      const to = Array.from({ length: size }, (_, j) =>
        recipientFor(10_000_000 + run * total + i * size + j),
      );
      const status = await post(
        `${t.url}/v1/messages`,
        {
          channel: OPTIONS.channel,
          from: t.accountId,
          to,
          message: { type: 'text', text: `batch ${i}` },
          callbackUrl: `${h.sink}/omnigate`,
        },
        auth,
      );
      if (status !== 202) throw new Error(`batch answered ${status}`);
    },
  });
  return { ...figures, raw: await rawBaseline(h, total) };
}

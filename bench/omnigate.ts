/**
 * Omnigate's side of the workloads: a channel account on the fake provider, W1 and W2 with a
 * per-message callbackUrl to the sink, and the raw baseline (the same provider request, rendered
 * by the channel's own connector, posted straight to the fake provider).
 */
import { CONNECTORS } from '../src/channels/registry.ts';
import type { ChannelConnector } from '../src/core/ports/channel.ts';
import { SANDBOX_RECIPIENTS } from '../src/sandbox/sample-recipients.ts';
import { getJson, pool, post, postForAnswer, postJson } from './driver.ts';
import { type Figures, type Helpers, measureRun, rawRate } from './measure.ts';
import { OPTIONS } from './options.ts';
import { API_KEY } from './setups.ts';
import { epochMs } from './timing.ts';

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

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const auth = bearer(API_KEY);

/** A gateway ready for the workloads: where it listens and the account the sends go from. */
export interface Target {
  url: string;
  accountId: string;
  /** The API key of the account's tenant, when not the default tenant's. */
  apiKey?: string;
  /** The gateway's processes, whose CPU time a run counts (none: not counted). */
  pids?: number[];
}

/** The channel-accounts API's own limits of one account (ratePerSecond, burst, …). */
export type AccountLimits = Record<string, number>;

export async function createAccount(
  gatewayUrl: string,
  options: { name?: string; limits?: AccountLimits; apiKey?: string } = {},
): Promise<Target> {
  const account = await postJson<{ id: string }>(
    `${gatewayUrl}/v1/channel-accounts`,
    {
      channel: OPTIONS.channel,
      name: options.name ?? 'bench',
      credentials,
      ...(options.limits ? { limits: options.limits } : {}),
    },
    bearer(options.apiKey ?? API_KEY),
  );
  return {
    url: gatewayUrl,
    accountId: account.id,
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
  };
}

/** One single send; `extra` adds fields to the request (e.g. a priority). */
export async function sendOne(
  t: Target,
  to: string,
  text: string,
  callbackUrl: string,
  extra: Record<string, unknown> = {},
): Promise<{ status: number; body: unknown; acceptedAt: number; id?: string }> {
  const answer = await postForAnswer(
    `${t.url}/v1/messages`,
    {
      channel: OPTIONS.channel,
      from: t.accountId,
      to,
      message: { type: 'text', text },
      callbackUrl,
      ...extra,
    },
    bearer(t.apiKey ?? API_KEY),
  );
  const id = (answer.body as { messages?: Array<{ id: string }> }).messages?.[0]?.id;
  return { ...answer, acceptedAt: epochMs(), ...(id ? { id } : {}) };
}

/**
 * Queues `total` recipients for the account as requests of 1,000 (the last one smaller), 4 at a
 * time, each message's text being `text`; returns the seconds it took until the last 202.
 */
export async function queueBacklog(
  t: Target,
  total: number,
  text: string,
  callbackUrl?: string,
): Promise<number> {
  const size = OPTIONS.batchSize;
  const requests = Math.ceil(total / size);
  const t0 = epochMs();
  await pool(requests, OPTIONS.w2Concurrency, async (i) => {
    const n = Math.min(size, total - i * size);
    const to = Array.from({ length: n }, (_, j) => recipientFor(20_000_000 + i * size + j));
    const status = await post(
      `${t.url}/v1/messages`,
      {
        channel: OPTIONS.channel,
        from: t.accountId,
        to,
        message: { type: 'text', text },
        ...(callbackUrl ? { callbackUrl } : {}),
      },
      bearer(t.apiKey ?? API_KEY),
    );
    if (status !== 202) throw new Error(`backlog request answered ${status}`);
  });
  return (epochMs() - t0) / 1000;
}

/** A message as GET /v1/messages lists it, in the fields the bench reads. */
export interface ListedMessage {
  id: string;
  status: string;
  attempts: number;
}

/**
 * How many of the tenant's messages have `status`, and of those how many pass `which` (`matching`),
 * counting pages of GET /v1/messages up to `cap` (the API has no count): `capped` when there were
 * more, which neither count includes.
 */
export async function countWithStatus(
  t: Target,
  status: string,
  cap = 2_000,
  which: (m: ListedMessage) => boolean = () => true,
): Promise<{ count: number; matching: number; capped: boolean }> {
  let count = 0;
  let matching = 0;
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ status, limit: '200', ...(cursor ? { cursor } : {}) });
    const page = await getJson<{ data: ListedMessage[]; nextCursor?: string }>(
      `${t.url}/v1/messages?${query}`,
      bearer(t.apiKey ?? API_KEY),
    );
    count += page.data.length;
    matching += page.data.filter(which).length;
    cursor = page.nextCursor;
  } while (cursor && count < cap);
  return { count, matching, capped: cursor !== undefined };
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
    pids: t.pids ?? [],
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
    pids: t.pids ?? [],
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

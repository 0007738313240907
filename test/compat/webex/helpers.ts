/**
 * What the Webex Connect façade suites share: posting a body as a Webex client does, the seed's
 * examples (test/fixtures/compat/webex, verbatim), and filling the document's placeholders.
 */
import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { RecordedRequest } from '../../../src/sandbox/types.ts';
import { TEST_API_KEY, type TestGateway } from '../../support/gateway.ts';

export const WEBEX_PATH = '/resources/v1/messaging';

/** POSTs `body` (bytes as given when a string) with the service `key` header (none: null). */
export function webex(
  gw: TestGateway,
  body: string | object,
  key: string | null = TEST_API_KEY,
): Promise<LightMyRequestResponse> {
  return gw.app.inject({
    method: 'POST',
    url: WEBEX_PATH,
    headers: { 'content-type': 'application/json', ...(key !== null ? { key } : {}) },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export interface Entry {
  code: string;
  description: string;
  transid?: string;
  correlationid?: string;
}

/** The answer of a request Webex queued: HTTP 200, one 1001 entry per recipient. */
export function queued(res: LightMyRequestResponse, recipients = 1): Entry[] {
  expect(res.statusCode, res.body).toBe(200);
  const entries = res.json().response as Entry[];
  expect(Array.isArray(entries), res.body).toBe(true);
  expect(entries).toHaveLength(recipients);
  for (const e of entries) {
    expect(e, res.body).toMatchObject({ code: '1001', description: 'Queued' });
    expect(e.transid).toMatch(/^msg_/);
  }
  return entries;
}

/** The answer of a refused request: `{"response":{"code","description"}}`. */
export function refused(res: LightMyRequestResponse, code: string): string {
  expect(res.statusCode, res.body).toBe(code === '7006' ? 500 : 200);
  const response = res.json().response;
  expect(response, res.body).toMatchObject({ code });
  expect(typeof response.description).toBe('string');
  return response.description as string;
}

export const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/compat/webex/${name}.txt`, import.meta.url), 'utf8');

/** The document's `<placeholder>`s replaced by real values; everything else stays as written. */
export function fill(text: string, values: Record<string, string>): string {
  return text.replace(/<([A-Za-z][A-Za-z -]*)>/g, (m, name: string) => values[name] ?? m);
}

/** A Messenger PSID the sandbox accepts, one per test so read watermarks do not overlap. */
export const psid = (n: number) => `12544${String(n).padStart(11, '0')}`;

/** The provider request that reached the sandbox for `to`, once the dispatcher sent it. */
export async function providerRequest(
  gw: TestGateway,
  channel: string,
  to: string,
): Promise<RecordedRequest> {
  const until = Date.now() + 10_000;
  for (;;) {
    const [first] = gw.requests(channel, to);
    if (first !== undefined) return first;
    if (Date.now() > until) throw new Error(`nothing reached the ${channel} sandbox for ${to}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The app ids a Webex Connect client of the suites sends as `appid`, per deliverychannel. */
export const APP = { fb: 'webex-fb-app-1', whatsapp: 'webex-wa-app-1' } as const;

/** Gives the sandbox Messenger and WhatsApp accounts the app ids of APP, as a tenant does. */
export async function useApps(gw: TestGateway): Promise<void> {
  for (const [channel, appId] of [
    ['messenger', APP.fb],
    ['whatsapp', APP.whatsapp],
  ] as const) {
    const res = await gw.api('PATCH', `/v1/channel-accounts/${gw.accountId(channel)}`, { appId });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
  }
}

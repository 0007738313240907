/**
 * What the Konnek façade suites share: posting as a Konnek client does (`Auth-username` /
 * `Auth-password`, `POST /{channel}/send/{clientID}`), the seed's examples
 * (test/fixtures/compat/konnek, verbatim), a request with every mandatory field, and reading
 * what reached the sandbox.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { RecordedRequest } from '../../../src/sandbox/types.ts';
import { TEST_API_KEY, type TestGateway } from '../../support/gateway.ts';

// biome-ignore lint/suspicious/noExplicitAny: requests and provider bodies are read freely.
export type Json = any;

export const FIXTURES = new URL('../../fixtures/compat/konnek/', import.meta.url);
export const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');

/** Konnek's channel names and the native channels behind them. */
export const CHANNELS = {
  whatsapp: 'whatsapp',
  telegram: 'telegram',
  line: 'line',
  facebook: 'messenger',
} as const;
export type KonnekChannel = keyof typeof CHANNELS;

/** Any user name with the tenant's API key as the password: the fallback credential. */
export const API_KEY_CREDENTIALS = { 'auth-username': 'konnek-client', 'auth-password': TEST_API_KEY };

/** POSTs `body` (bytes as given when a string) to the send path, with Konnek's credential headers. */
export function konnek(
  gw: TestGateway,
  channel: string,
  clientId: string,
  body: string | object,
  headers: Record<string, string> = API_KEY_CREDENTIALS,
): Promise<LightMyRequestResponse> {
  return gw.app.inject({
    method: 'POST',
    url: `/${channel}/send/${encodeURIComponent(clientId)}`,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** GET of Omnigate's status lookup. */
export function konnekStatus(
  gw: TestGateway,
  channel: string,
  clientId: string,
  messageId: string,
  headers: Record<string, string> = API_KEY_CREDENTIALS,
): Promise<LightMyRequestResponse> {
  return gw.app.inject({
    method: 'GET',
    url: `/${channel}/status/${encodeURIComponent(clientId)}/${encodeURIComponent(messageId)}`,
    headers,
  });
}

/** A request with every mandatory field of the table, a fresh `id`, and `fields` over them. */
export function request(recipient: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    id: randomUUID(),
    times: 1_699_594_688,
    timestamp: '2023-11-10T12:38:08.153726382+07:00',
    recipient,
    ...fields,
  };
}

/** The answer of an accepted send: 200, `meta` as in the sample, `data` with Omnigate's message id. */
export function accepted(
  res: LightMyRequestResponse,
  id?: string,
): { message_id: string; status: number; tid: string } {
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json();
  expect(body.meta).toEqual({ status: true, code: 200, message: 'OK', errors: null });
  expect(body.data.message_id).toMatch(/^msg_/);
  if (id !== undefined) expect(body.data.tid).toBe(id);
  return body.data;
}

/** The answer of a refused request: `meta.status` false, the HTTP status as `code`, no `data`. */
export function refused(res: LightMyRequestResponse, status: number): string {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json();
  expect(body.meta).toMatchObject({ status: false, code: status });
  expect(typeof body.meta.message).toBe('string');
  expect(typeof body.meta.errors).toBe('string');
  expect(body.data).toBeNull();
  return body.meta.errors as string;
}

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

/** A contact reachable by phone number and on the given channels' sandbox accounts. */
export async function contactWithPhone(
  gw: TestGateway,
  phone: string,
  identities: Record<string, string>,
): Promise<string> {
  const res = await gw.api('POST', '/v1/contacts', {
    identities: [
      { channel: 'phone', address: phone },
      ...Object.entries(identities).map(([channel, address]) => ({ channel, address })),
    ],
  });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json.id as string;
}

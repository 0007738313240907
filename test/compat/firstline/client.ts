/**
 * A FIRST LINE client for the suites: pushes through the façade as FIRST LINE's own clients do,
 * and finds what became of the push (FIRST LINE answers `{}`, without an id).
 */
import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { TEST_API_KEY, type TestGateway } from '../../support/gateway.ts';

export const PUSH = '/api/v1/message/push';

export const FIXTURES = new URL('../../fixtures/compat/firstline/', import.meta.url);

/** A seed example, byte for byte. */
export const example = (file: string) => readFileSync(new URL(file, FIXTURES), 'utf8');

/**
 * The seed's examples give `type` and `message` only; a push also names the contact. They are
 * put in front of the example's own bytes, which stay as they are (a malformed example stays
 * malformed).
 */
export function withContact(exampleText: string, contactableType: string, contactableId: string): string {
  const head = `{"contactable_type": ${JSON.stringify(contactableType)}, "contactable_id": ${JSON.stringify(contactableId)},`;
  const start = exampleText.indexOf('{');
  return `${exampleText.slice(0, start)}${head}${exampleText.slice(start + 1)}`;
}

export interface Pushed {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the answer freely.
  json: any;
  raw: LightMyRequestResponse;
}

export async function push(
  gw: TestGateway,
  body: string | Record<string, unknown>,
  headers: Record<string, string> = { authorization: `Bearer ${TEST_API_KEY}` },
): Promise<Pushed> {
  const raw = await gw.app.inject({
    method: 'POST',
    url: PUSH,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: raw.statusCode, json: raw.body ? JSON.parse(raw.body) : undefined, raw };
}

/** Pushes, expects FIRST LINE's `200 {}`, and returns the newest message on the channel. */
export async function pushAccepted(
  gw: TestGateway,
  channel: string,
  body: string | Record<string, unknown>,
): Promise<string> {
  const before = await newestId(gw, channel);
  const res = await push(gw, body);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  expect(res.json).toEqual({});
  expect(res.raw.headers['content-type']).toMatch(/^application\/json/);
  const id = await newestId(gw, channel);
  expect(id).toBeDefined();
  expect(id).not.toBe(before);
  return id as string;
}

async function newestId(gw: TestGateway, channel: string): Promise<string | undefined> {
  const list = await gw.api('GET', `/v1/messages?channel=${channel}&limit=1`);
  return list.json.data[0]?.id;
}

/** The message once sent, and the body of the newest request to its recipient the emulator took. */
// biome-ignore lint/suspicious/noExplicitAny: tests read provider bodies freely.
export async function delivered(gw: TestGateway, id: string): Promise<{ message: any; body: any }> {
  const message = await gw.waitForStatus(id, ['sent', 'delivered', 'read']);
  const reached = gw.requests(String(message.channel), String(message.to)).filter((r) => r.status === 200);
  expect(reached.length).toBeGreaterThan(0);
  return { message, body: reached.at(-1)?.body };
}

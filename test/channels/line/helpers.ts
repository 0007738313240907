/**
 * A LINE emulator in a bare Fastify app, and a `send` that does what the dispatcher does with a
 * rendered request (authorize, JSON-encode, POST) so tests exercise the connector and the emulator
 * together without a socket.
 */
import type { FastifyInstance } from 'fastify';
import { lineConnector, lineEmulator } from '../../../src/channels/line/index.ts';
import type { MessageOf } from '../../../src/core/vocabulary/message.ts';
import { emulatorHarness } from '../../support/emulator.ts';

export const PREFIX = '/sandbox/line';
export const USER = `U${'4af4980629'.padEnd(32, '0')}`;

export const { buildSandbox, send } = emulatorHarness(lineConnector, lineEmulator);

/** Posts an arbitrary body with the sandbox token, for probing what the emulator refuses. */
export async function post(
  app: FastifyInstance,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  body: { message: string; details?: Array<{ message: string; property: string }> };
}> {
  const res = await app.inject({
    method: 'POST',
    url: PREFIX + path,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${lineConnector.sandboxCredentials['channelAccessToken']}`,
      ...headers,
    },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.statusCode, body: res.json() };
}

export const push = (messages: unknown[], to = USER) => ({ to, messages });

/**
 * A list of `rows` rows in sections of at most 100 (the canonical limit), each row's title and
 * description `size` characters long (no description when 0).
 */
export function longList(rows: number, size: number): MessageOf<'list'> {
  const row = (i: number) => ({
    id: `row-${i}`,
    title: `Row ${i} ${'t'.repeat(size)}`.slice(0, 1000),
    ...(size > 0 ? { description: 'd'.repeat(size) } : {}),
  });
  const sections = Array.from({ length: Math.ceil(rows / 100) }, (_, s) => ({
    title: `Section ${s + 1}`,
    rows: Array.from({ length: Math.min(100, rows - s * 100) }, (_, i) => row(s * 100 + i)),
  }));
  return {
    type: 'list',
    text: 'Pick one',
    buttonText: 'Rows',
    header: 'Long list',
    footer: 'The end',
    sections,
  };
}

/** A receipt of `items` items with long names. */
export function bigReceipt(items: number): MessageOf<'receipt'> {
  return {
    type: 'receipt',
    recipientName: 'Ann',
    orderNumber: 'A-9',
    currency: 'EUR',
    paymentMethod: 'Card',
    elements: Array.from({ length: items }, (_, i) => ({
      title: `Item ${i} ${'n'.repeat(800)}`,
      subtitle: 's'.repeat(400),
      quantity: 1,
      price: i + 1,
    })),
    summary: { totalCost: 820 },
  };
}

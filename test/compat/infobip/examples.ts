/**
 * The seed's examples (seed 004, Infobip LINE), each kept verbatim as the HTTP request the document
 * shows: request line, headers, a blank line, the body exactly as printed (mistakes included).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LightMyRequestResponse } from 'fastify';
import { registerChosenCredential } from '../../support/chosen-credential.ts';
import type { TestGateway } from '../../support/gateway.ts';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/compat/infobip/', import.meta.url));

/** In the order the seed shows them. */
export const EXAMPLE_NAMES = [
  'text',
  'image',
  'video',
  'audio',
  'location',
  'sticker',
  'imagemap',
  'template-buttons',
  'template-confirm',
  'template-carousel',
] as const;
export type ExampleName = (typeof EXAMPLE_NAMES)[number];

export interface HttpExample {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export function parseHttpExample(text: string): HttpExample {
  const split = text.indexOf('\n\n');
  const [requestLine = '', ...headerLines] = text.slice(0, split).split('\n');
  const [method = '', url = ''] = requestLine.split(' ');
  const headers = Object.fromEntries(
    headerLines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return { method, url, headers, body: text.slice(split + 2) };
}

export const exampleText = (name: ExampleName) => readFileSync(join(FIXTURES, `${name}.http`), 'utf8');
export const example = (name: ExampleName) => parseHttpExample(exampleText(name));

/** The user name and password of the examples' `Authorization: Basic` header. */
export function exampleCredentials(): { user: string; password: string } {
  const header = example('text').headers['authorization'] ?? '';
  const decoded = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Sends a request the way the example shows it: same method, path, headers and body bytes. */
export function sendExample(
  gw: TestGateway,
  ex: HttpExample,
  changes: { body?: string; headers?: Record<string, string | undefined> } = {},
): Promise<LightMyRequestResponse> {
  const headers = Object.fromEntries(
    Object.entries({ ...ex.headers, ...changes.headers }).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
  return gw.app.inject({
    method: ex.method as 'POST',
    url: ex.url,
    headers,
    payload: changes.body ?? ex.body,
  });
}

/** An example's body with `message` replaced: for the cases the seed shows no example of. */
export function withMessage(message: unknown, from?: string, to?: string): string {
  const body = JSON.parse(example('text').body) as Record<string, unknown>;
  return JSON.stringify({ ...body, ...(from ? { from } : {}), ...(to ? { to } : {}), message });
}

/**
 * The world the examples assume: a credential matching their Basic header, a LINE channel account
 * registered under their application key, and a contact holding their user key with a LINE
 * identity. Returns the LINE user id the examples reach.
 */
export async function setUpExampleWorld(gw: TestGateway, lineUserId: string, lineCredentials: object) {
  const { user, password } = exampleCredentials();
  const body = JSON.parse(example('text').body) as { from: string; to: string };
  await registerChosenCredential(gw, 'infobip', user, password);
  const account = await gw.api('POST', '/v1/channel-accounts', {
    channel: 'line',
    name: body.from,
    credentials: lineCredentials,
  });
  if (account.status !== 201) throw new Error(JSON.stringify(account.json));
  const contact = await gw.api('POST', '/v1/contacts', {
    identities: [
      { channel: 'infobip', address: body.to },
      { channel: 'line', address: lineUserId },
    ],
  });
  if (contact.status !== 201) throw new Error(JSON.stringify(contact.json));
  return { accountId: account.json.id as string, contactId: contact.json.id as string, ...body };
}

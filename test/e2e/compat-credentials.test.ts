/**
 * /v1/compat-credentials: registering the credentials the vendor façades accept. The façades'
 * own suites use them to authenticate; this suite covers the API itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

describe('compat credentials', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => gw?.close());

  it('registers, lists without secrets, refuses a duplicate, and removes', async () => {
    const made = await gw.api('POST', '/v1/compat-credentials', {
      vendor: 'konnek',
      username: 'shop',
      secret: 'konnek-secret-1',
    });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ vendor: 'konnek', username: 'shop' });
    expect(JSON.stringify(made.json)).not.toContain('konnek-secret-1');

    const again = await gw.api('POST', '/v1/compat-credentials', {
      vendor: 'konnek',
      username: 'shop',
      secret: 'konnek-secret-1',
    });
    expect(again.status).toBe(409);
    expect(again.json.errors[0].pointer).toBe('/secret');

    const list = await gw.api('GET', '/v1/compat-credentials');
    expect(list.json.data.map((c: { id: string }) => c.id)).toContain(made.json.id);
    expect(JSON.stringify(list.json)).not.toContain('konnek-secret-1');

    expect((await gw.api('DELETE', `/v1/compat-credentials/${made.json.id}`)).status).toBe(204);
    expect((await gw.api('DELETE', `/v1/compat-credentials/${made.json.id}`)).status).toBe(404);
  });

  it('names the field when a style needs a user name or carries none', async () => {
    const missing = await gw.api('POST', '/v1/compat-credentials', {
      vendor: 'infobip',
      secret: 'basic-pass',
    });
    expect(missing.status).toBe(400);
    expect(missing.json.errors).toEqual([
      expect.objectContaining({ pointer: '/username', rule: 'required' }),
    ]);
    const extra = await gw.api('POST', '/v1/compat-credentials', {
      vendor: 'webex',
      username: 'x',
      secret: 'service-key-1',
    });
    expect(extra.status).toBe(400);
    expect(extra.json.errors[0].pointer).toBe('/username');
    const vendor = await gw.api('POST', '/v1/compat-credentials', { vendor: 'acme', secret: 'whatever1' });
    expect(vendor.status).toBe(400);
    expect(vendor.json.errors[0].pointer).toBe('/vendor');
    const short = await gw.api('POST', '/v1/compat-credentials', { vendor: 'webex', secret: 'short' });
    expect(short.status).toBe(400);
    expect(short.json.errors[0].pointer).toBe('/secret');
  });
});

/**
 * /v1/compat-credentials: registering the credentials the vendor façades accept. The façades'
 * own suites use them to authenticate; this suite covers the API itself: secrets generated and
 * shown once, nothing learnt of another tenant's credentials, keyed hashes at rest, and hashes
 * stored by older versions (unsalted SHA-256) still working and rewritten on use.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compatCredentialText } from '../../src/core/tenancy.ts';
import { legacyCredentialHash } from '../../src/lib/crypto.ts';
import { accepted, konnek, refused, request } from '../compat/konnek/client.ts';
import { hasherOf } from '../support/chosen-credential.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

const B_KEY = 'og_tenant_b_key_for_the_compat_suite_0123';

describe('compat credentials', () => {
  let gw: TestGateway;
  const asB = (method: string, url: string, body?: unknown) =>
    gw.api(method, url, body, { authorization: `Bearer ${B_KEY}` });
  beforeAll(async () => {
    gw = await startTestGateway();
    await gw.store.tenants.ensure('tn_b', 'b');
    await gw.store.tenants.addApiKey('tn_b', hasherOf(gw)(B_KEY), 'og_tena');
  });
  afterAll(async () => gw?.close());

  it('generates the secret, shows it once, lists without it, and removes', async () => {
    const made = await gw.api('POST', '/v1/compat-credentials', { vendor: 'konnek', username: 'shop' });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({
      vendor: 'konnek',
      username: 'shop',
      secret: expect.stringMatching(/^ogc_\w{43}$/),
    });

    // The same vendor and user name again is another credential, not a conflict.
    const again = await gw.api('POST', '/v1/compat-credentials', { vendor: 'konnek', username: 'shop' });
    expect(again.status).toBe(201);
    expect(again.json.secret).not.toBe(made.json.secret);

    const list = await gw.api('GET', '/v1/compat-credentials');
    expect(list.json.data.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining([made.json.id, again.json.id]),
    );
    expect(JSON.stringify(list.json)).not.toContain(made.json.secret);

    expect((await gw.api('DELETE', `/v1/compat-credentials/${made.json.id}`)).status).toBe(204);
    expect((await gw.api('DELETE', `/v1/compat-credentials/${made.json.id}`)).status).toBe(404);
  });

  it('names the field when a style needs a user name or carries none, or a secret is given', async () => {
    const missing = await gw.api('POST', '/v1/compat-credentials', { vendor: 'infobip' });
    expect(missing.status).toBe(400);
    expect(missing.json.errors).toEqual([
      expect.objectContaining({ pointer: '/username', rule: 'required' }),
    ]);
    const extra = await gw.api('POST', '/v1/compat-credentials', { vendor: 'webex', username: 'x' });
    expect(extra.status).toBe(400);
    expect(extra.json.errors[0].pointer).toBe('/username');
    const vendor = await gw.api('POST', '/v1/compat-credentials', { vendor: 'acme' });
    expect(vendor.status).toBe(400);
    expect(vendor.json.errors[0].pointer).toBe('/vendor');
    const chosen = await gw.api('POST', '/v1/compat-credentials', {
      vendor: 'webex',
      secret: 'service-key-1',
    });
    expect(chosen.status).toBe(400);
    expect(chosen.json.errors).toEqual([
      expect.objectContaining({ pointer: '/secret', rule: 'not_allowed' }),
    ]);
  });

  it("tells tenant B nothing of tenant A's credential, and routes each to its own tenant", async () => {
    const a = await gw.api('POST', '/v1/compat-credentials', { vendor: 'konnek', username: 'same-name' });
    expect(a.status).toBe(201);
    const lookups = vi.spyOn(gw.store.tenants, 'findByCompatCredential');
    try {
      // Naming A's secret or a secret no one holds: the same answer.
      const held = await asB('POST', '/v1/compat-credentials', {
        vendor: 'konnek',
        username: 'same-name',
        secret: a.json.secret,
      });
      const unheld = await asB('POST', '/v1/compat-credentials', {
        vendor: 'konnek',
        username: 'same-name',
        secret: 'ogc_no-one-holds-this-secret-at-all-0123456789',
      });
      const comparable = (r: typeof held) => ({
        status: r.status,
        body: { ...r.json, request_id: undefined },
      });
      expect(comparable(held)).toEqual(comparable(unheld));
      // Registering A's user name: the same answer A had, with a secret of B's own.
      const b = await asB('POST', '/v1/compat-credentials', { vendor: 'konnek', username: 'same-name' });
      expect(b.status).toBe(a.status);
      expect(Object.keys(b.json).sort()).toEqual(Object.keys(a.json).sort());
      expect(b.json.secret).not.toBe(a.json.secret);
      // The timing class: creating one reads no other tenant's credentials at all.
      expect(lookups).not.toHaveBeenCalled();

      // A's secret reaches A's account; B's, with the same user name, is B, which cannot see it.
      const clientId = gw.accountId('whatsapp');
      const send = (secret: string) =>
        konnek(gw, 'whatsapp', clientId, request('628150000009', { type: 'text', body: { text: 'hi' } }), {
          'auth-username': 'same-name',
          'auth-password': secret,
        });
      accepted(await send(a.json.secret));
      refused(await send(b.json.secret), 404);
    } finally {
      lookups.mockRestore();
    }
  });

  it('keeps keyed hashes, not unsalted SHA-256', async () => {
    const made = await gw.api('POST', '/v1/compat-credentials', { vendor: 'webex' });
    const text = compatCredentialText('webex', '', made.json.secret);
    expect(
      await gw.store.tenants.findByCompatCredential('webex', legacyCredentialHash(text)),
    ).toBeUndefined();
    expect(await gw.store.tenants.findByCompatCredential('webex', hasherOf(gw)(text))).toMatchObject({
      id: 'tn_default',
    });
    expect(await gw.store.tenants.findByApiKeyHash(legacyCredentialHash(B_KEY))).toBeUndefined();
  });

  it('takes credentials and API keys stored unsalted by older versions, and rewrites them keyed', async () => {
    const secret = 'konnek-password-from-before';
    const text = compatCredentialText('konnek', 'old-shop', secret);
    await gw.store.tenants.addCompatCredential('tn_default', {
      id: 'cred_legacy',
      vendor: 'konnek',
      principal: 'old-shop',
      credentialHash: legacyCredentialHash(text),
    });
    const res = await konnek(
      gw,
      'whatsapp',
      gw.accountId('whatsapp'),
      request('628150000010', { type: 'text', body: { text: 'hi' } }),
      { 'auth-username': 'old-shop', 'auth-password': secret },
    );
    accepted(res);
    expect(
      await gw.store.tenants.findByCompatCredential('konnek', legacyCredentialHash(text)),
    ).toBeUndefined();
    expect(await gw.store.tenants.findByCompatCredential('konnek', hasherOf(gw)(text))).toBeDefined();

    const oldKey = 'og_key_stored_by_an_older_version_0123456789';
    await gw.store.tenants.ensure('tn_old', 'old');
    await gw.store.tenants.addApiKey('tn_old', legacyCredentialHash(oldKey), 'og_key_');
    expect(
      (await gw.api('GET', '/v1/compat-credentials', undefined, { authorization: `Bearer ${oldKey}` }))
        .status,
    ).toBe(200);
    expect(await gw.store.tenants.findByApiKeyHash(legacyCredentialHash(oldKey))).toBeUndefined();
    expect(await gw.store.tenants.findByApiKeyHash(hasherOf(gw)(oldKey))).toMatchObject({ id: 'tn_old' });
  });
});

/**
 * Stored templates: versioned, with named parameters and a variant per channel; a send says
 * `message: { template, parameters }` and gets its channel's variant, filled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { LINE_USER } from '../support/recipients.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw.close());

const ORDER_UPDATE = {
  name: 'order_update',
  description: 'Where the order is',
  parameters: [{ name: 'customer' }, { name: 'orderId' }, { name: 'eta', required: false, default: 'soon' }],
  variants: {
    default: { type: 'text', text: 'Hi {{customer}}, order {{orderId}} arrives {{eta}}.' },
    // WhatsApp only sends what it approved: the sandbox business has order_update with {{name}}.
    whatsapp: {
      type: 'template',
      name: 'order_update',
      language: 'en_US',
      parameters: { name: '{{customer}}' },
    },
  },
};

const send = (channel: string, to: string, message: unknown) =>
  gw.api('POST', '/v1/messages', { channel, to, message });

describe('stored templates', () => {
  it('fills the channel variant, or the default, and records which template version it was', async () => {
    const created = await gw.api('POST', '/v1/templates', ORDER_UPDATE);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'order_update', version: 1 });

    // No `type` needed for a template reference.
    const line = await send('line', LINE_USER, {
      template: 'order_update',
      parameters: { customer: 'Ann', orderId: 'A-1' },
    });
    expect(line.status).toBe(202);
    const lineDone = await gw.waitForStatus(line.json.messages[0].id, ['sent', 'failed']);
    expect(lineDone.status).toBe('sent');
    expect(lineDone.message).toEqual({ type: 'text', text: 'Hi Ann, order A-1 arrives soon.' });
    expect(lineDone.template).toEqual({ name: 'order_update', version: 1 });

    const wa = await send('whatsapp', '15551230001', {
      type: 'stored_template',
      template: 'order_update',
      parameters: { customer: 'Ann', orderId: 'A-1', eta: 'today' },
    });
    expect(wa.status).toBe(202);
    const waDone = await gw.waitForStatus(wa.json.messages[0].id, ['sent', 'read', 'failed']);
    expect(waDone.status).not.toBe('failed');
    expect((waDone.providerRequest as { body: unknown }).body).toMatchObject({
      type: 'template',
      template: { name: 'order_update' },
    });
  });

  it('names each missing and unknown parameter, and an unknown template', async () => {
    const res = await send('line', LINE_USER, {
      template: 'order_update',
      parameters: { orderId: 'A-1', colour: 'red' },
    });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([
      expect.objectContaining({ pointer: '/message/parameters/customer', rule: 'required' }),
      expect.objectContaining({ pointer: '/message/parameters/colour', rule: 'additionalProperties' }),
    ]);
    const unknown = await send('line', LINE_USER, { template: 'no_such', parameters: {} });
    expect(unknown.json.errors).toEqual([
      expect.objectContaining({ pointer: '/message/template', rule: 'template' }),
    ]);
  });

  it('keeps versions: the newest by default, an older one on request', async () => {
    const v2 = await gw.api('POST', '/v1/templates', {
      ...ORDER_UPDATE,
      variants: { default: { type: 'text', text: 'Order {{orderId}} for {{customer}}: {{eta}}' } },
    });
    expect(v2.json.version).toBe(2);
    const newest = await send('telegram', '4242001', {
      template: 'order_update',
      parameters: { customer: 'B', orderId: '7' },
    });
    const old = await send('telegram', '4242001', {
      template: 'order_update',
      version: 1,
      parameters: { customer: 'B', orderId: '7' },
    });
    expect((await gw.api('GET', `/v1/messages/${newest.json.messages[0].id}`)).json.message.text).toBe(
      'Order 7 for B: soon',
    );
    expect((await gw.api('GET', `/v1/messages/${old.json.messages[0].id}`)).json.message.text).toBe(
      'Hi B, order 7 arrives soon.',
    );
    expect((await gw.api('GET', '/v1/templates/order_update?version=1')).json.version).toBe(1);
    expect(
      (await gw.api('GET', '/v1/templates')).json.data.map((t: { version: number }) => t.version),
    ).toEqual([2]);
  });

  it('refuses a template whose variants cannot be sent, naming where', async () => {
    const res = await gw.api('POST', '/v1/templates', {
      name: 'broken',
      parameters: [{ name: 'a' }],
      variants: {
        default: { type: 'text', text: 'uses {{b}}' },
        line: { type: 'template', name: 'x' },
        telegram: { type: 'media', mediaType: 'image' },
      },
    });
    expect(res.status).toBe(400);
    const pointers = res.json.errors.map((e: { pointer: string; rule: string }) => `${e.pointer} ${e.rule}`);
    expect(pointers).toEqual(
      expect.arrayContaining([
        '/variants/default undeclared_parameter',
        '/variants/line/type channel_capability',
      ]),
    );
    expect(pointers.some((p: string) => p.startsWith('/variants/telegram'))).toBe(true);
    expect((await gw.api('GET', '/v1/templates/broken')).status).toBe(404);
  });

  it('refuses a send whose filled message breaks the canonical rules', async () => {
    await gw.api('POST', '/v1/templates', {
      name: 'picture',
      parameters: [{ name: 'url' }],
      variants: { default: { type: 'media', mediaType: 'image', url: '{{url}}' } },
    });
    const res = await send('line', LINE_USER, { template: 'picture', parameters: { url: 'not a url' } });
    expect(res.status, JSON.stringify(res.json)).toBe(400);
    expect(res.json.errors, JSON.stringify(res.json)).toContainEqual(
      expect.objectContaining({ pointer: '/message/url' }),
    );
  });
});

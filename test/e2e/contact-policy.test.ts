/**
 * Contact policy on request: consent per purpose and channel (set through the API and by people
 * writing STOP / START), and frequency caps per contact and group.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { lineUser } from '../support/recipients.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw.close());

async function contactWith(address: string): Promise<string> {
  const res = await gw.api('POST', '/v1/contacts', { identities: [{ channel: 'line', address }] });
  expect(res.status).toBe(201);
  return res.json.id;
}

const send = (to: unknown, policy?: Record<string, unknown>) =>
  gw.api('POST', '/v1/messages', {
    channel: 'line',
    to,
    message: { type: 'text', text: 'Sale!' },
    ...(policy ? { policy } : {}),
  });

describe('consent', () => {
  it('needs an opt-in for marketing, and refuses transactional only after an opt-out', async () => {
    const id = await contactWith(lineUser(1));
    const refused = await send({ contactId: id }, { checkConsent: true });
    expect(refused.status).toBe(422);
    expect(refused.json.code).toBe('GW_POLICY_REJECTED');
    expect(refused.json.errors).toEqual([expect.objectContaining({ pointer: '/to', rule: 'consent' })]);
    expect((await send({ contactId: id }, { checkConsent: true, purpose: 'transactional' })).status).toBe(
      202,
    );

    const set = await gw.api('PUT', `/v1/contacts/${id}/consent`, {
      purpose: 'marketing',
      status: 'opted_in',
    });
    expect(set.json.data).toEqual([
      expect.objectContaining({ channel: '*', purpose: 'marketing', status: 'opted_in', source: 'api' }),
    ]);
    // Addressed by its LINE id, the person is still found.
    const ok = await send(lineUser(1), { checkConsent: true });
    expect(ok.status).toBe(202);
    const m = (await gw.api('GET', `/v1/messages/${ok.json.messages[0].id}`)).json;
    expect(m.policy).toEqual({ consent: { purpose: 'marketing', status: 'opted_in' } });
    expect(m.contactId).toBe(id);

    await gw.api('PUT', `/v1/contacts/${id}/consent`, {
      purpose: 'transactional',
      status: 'opted_out',
      channel: 'line',
    });
    expect((await send({ contactId: id }, { checkConsent: true, purpose: 'transactional' })).status).toBe(
      422,
    );
    // Without `policy` nothing is checked.
    expect((await send({ contactId: id })).status).toBe(202);
  });

  it('follows STOP and START written by the person', async () => {
    const user = lineUser(2);
    await gw.simulateOk('line', { from: user, text: 'hi' });
    const contact = (await gw.api('GET', '/v1/contacts?limit=1')).json.data[0];
    await gw.api('PUT', `/v1/contacts/${contact.id}/consent`, { purpose: 'marketing', status: 'opted_in' });
    expect((await send(user, { checkConsent: true })).status).toBe(202);

    await gw.simulateOk('line', { from: user, text: ' stop ' });
    const refused = await send(user, { checkConsent: true });
    expect(refused.status).toBe(422);
    expect(refused.json.errors[0].detail).toMatch(/opted out.*stop word/);
    const consents = (await gw.api('GET', `/v1/contacts/${contact.id}/consent`)).json.data;
    expect(consents).toContainEqual(
      expect.objectContaining({ channel: 'line', status: 'opted_out', source: 'keyword' }),
    );

    await gw.simulateOk('line', { from: user, text: 'START' });
    expect((await send(user, { checkConsent: true })).status).toBe(202);
  });

  it('applies a STOP received now over a consent dated later by a clock running ahead', async () => {
    const user = lineUser(30);
    await gw.simulateOk('line', { from: user, text: 'hi' });
    const contact = (await gw.api('GET', '/v1/contacts?limit=1')).json.data[0];
    // Another process, its clock a minute fast, recorded the opt-in.
    const ahead = new Date(Date.now() + 60_000).toISOString();
    await gw.store.policy.setConsent(gw.boot.tenantId, contact.id, {
      channel: 'line',
      purpose: 'marketing',
      status: 'opted_in',
      source: 'api',
      updatedAt: ahead,
    });
    await gw.simulateOk('line', { from: user, text: 'STOP' });
    expect((await send(user, { checkConsent: true })).status).toBe(422);
  });
});

describe('frequency caps', () => {
  it('counts messages per contact and group, and refuses past the cap', async () => {
    const cap = await gw.api('PUT', '/v1/frequency-caps/promo', { perDay: 2, perWeek: 5 });
    expect(cap.json).toEqual({ group: 'promo', perDay: 2, perWeek: 5 });
    const id = await contactWith(lineUser(3));
    const other = await contactWith(lineUser(4));
    const policy = { applyFrequencyCap: true, group: 'promo' };
    // Sends outside the group do not count.
    await send({ contactId: id });
    for (let i = 0; i < 2; i++) expect((await send({ contactId: id }, policy)).status).toBe(202);
    const third = await send({ contactId: id }, policy);
    expect(third.status).toBe(422);
    expect(third.json.errors).toEqual([
      expect.objectContaining({
        pointer: '/to',
        rule: 'frequency_cap',
        detail: '2 of 2 promo messages this day already',
      }),
    ]);
    expect((await send({ contactId: other }, policy)).status).toBe(202);
    const recorded = (await gw.api('GET', '/v1/messages?limit=1')).json.data[0];
    expect(recorded.policy).toEqual({ frequencyCap: { group: 'promo', counts: { day: 0, week: 0 } } });
  });

  it('holds the cap against sends racing past the check: exactly the cap lands', async () => {
    await gw.api('PUT', '/v1/frequency-caps/flash', { perDay: 3 });
    const id = await contactWith(lineUser(9));
    const policy = { applyFrequencyCap: true, group: 'flash' };
    const answers = await Promise.all(Array.from({ length: 8 }, () => send({ contactId: id }, policy)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([202, 202, 202, 422, 422, 422, 422, 422]);
    for (const refused of answers.filter((a) => a.status === 422)) {
      expect(refused.json.errors).toEqual([
        expect.objectContaining({ pointer: '/to', rule: 'frequency_cap' }),
      ]);
    }
  });

  it('counts two addresses of one contact in one request against its cap', async () => {
    await gw.api('PUT', '/v1/frequency-caps/single', { perDay: 1 });
    const created = await gw.api('POST', '/v1/contacts', {
      identities: [
        { channel: 'line', address: lineUser(20) },
        { channel: 'line', address: lineUser(21) },
      ],
    });
    expect(created.status).toBe(201);
    const refused = await send([lineUser(20), lineUser(21)], { applyFrequencyCap: true, group: 'single' });
    expect(refused.status).toBe(422);
    expect(refused.json.errors).toEqual([
      expect.objectContaining({
        pointer: '/to/1',
        rule: 'frequency_cap',
        detail: `0 of 1 single messages this day already, and this request sends contact ${created.json.id} 1 more before this one`,
      }),
    ]);
  });

  it('names what is missing in a cap request', async () => {
    const noGroup = await send(lineUser(3), { applyFrequencyCap: true });
    expect(noGroup.json.errors).toEqual([
      expect.objectContaining({ pointer: '/policy/group', rule: 'required' }),
    ]);
    const unknown = await send(lineUser(3), { applyFrequencyCap: true, group: 'nope' });
    expect(unknown.json.errors).toEqual([
      expect.objectContaining({ pointer: '/policy/group', rule: 'frequency_cap' }),
    ]);
    const bad = await gw.api('PUT', '/v1/frequency-caps/promo', { perDay: -1 });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toContainEqual(expect.objectContaining({ pointer: '/perDay', rule: 'minimum' }));
  });
});

describe('quiet hours', () => {
  // A window around the present moment in UTC, so the test is inside it whenever it runs.
  const hhmm = (d: Date) => d.toISOString().slice(11, 16);
  const around = () => ({
    start: hhmm(new Date(Date.now() - 3_600_000)),
    end: hhmm(new Date(Date.now() + 3_600_000)),
  });

  it("holds a send until the contact's quiet hours end, or rejects it, as asked", async () => {
    const { json: contact } = await gw.api('POST', '/v1/contacts', {
      timeZone: 'UTC',
      identities: [{ channel: 'line', address: lineUser(5) }],
    });
    const held = await send({ contactId: contact.id }, { quietHours: { ...around(), mode: 'hold' } });
    expect(held.status).toBe(202);
    await new Promise((r) => setTimeout(r, 300));
    const m = (await gw.api('GET', `/v1/messages/${held.json.messages[0].id}`)).json;
    expect(m.status).toBe('queued');
    const heldUntil = Date.parse(m.policy.quietHours.heldUntil);
    expect(heldUntil).toBeGreaterThan(Date.now() + 3_500_000);
    expect(heldUntil).toBeLessThan(Date.now() + 3_700_000);

    const rejected = await send({ contactId: contact.id }, { quietHours: { ...around(), mode: 'reject' } });
    expect(rejected.status).toBe(422);
    expect(rejected.json.errors).toEqual([expect.objectContaining({ pointer: '/to', rule: 'quiet_hours' })]);
  });

  it('refuses a reply held past its token’s life, or pushes it when asked', async () => {
    const user = lineUser(7);
    await gw.api('POST', '/v1/contacts', {
      timeZone: 'UTC',
      identities: [{ channel: 'line', address: user }],
    });
    const { replyToken } = await gw.simulateOk('line', { from: user, text: 'are you open?' });
    const reply = (options: Record<string, unknown>) =>
      gw.api('POST', '/v1/messages', {
        channel: 'line',
        to: user,
        message: { type: 'text', text: 'Yes!' },
        policy: { quietHours: { ...around(), mode: 'hold' } },
        options: { line: { replyToken, ...options } },
      });
    // Fresh now, but an hour old when quiet hours end.
    const refused = await reply({});
    expect(refused.status).toBe(422);
    expect(refused.json.errors).toEqual([
      expect.objectContaining({
        pointer: '/options/line/replyToken',
        rule: 'reply_token_expired',
        detail: expect.stringMatching(/when quiet hours end/),
      }),
    ]);
    const pushed = await reply({ replyTokenFallback: 'push' });
    expect(pushed.status).toBe(202);
    const m = (await gw.api('GET', `/v1/messages/${pushed.json.messages[0].id}`)).json;
    expect(m.status).toBe('queued');
    expect(m.providerRequest.path).toBe('/v2/bot/message/push');
    expect(m.degradations).toEqual([expect.objectContaining({ from: 'reply', to: 'push' })]);
  });

  it('does not hold a contact without a time zone, and refuses an unknown zone', async () => {
    const id = await contactWith(lineUser(6));
    const res = await send({ contactId: id }, { quietHours: { ...around(), mode: 'reject' } });
    expect(res.status).toBe(202);
    expect((await gw.waitForStatus(res.json.messages[0].id, ['sent'])).policy).toEqual({
      quietHours: { skipped: 'no time zone for this contact' },
    });
    const bad = await gw.api('POST', '/v1/contacts', { timeZone: 'Mars/Olympus' });
    expect(bad.json.errors).toEqual([expect.objectContaining({ pointer: '/timeZone', rule: 'time_zone' })]);
  });
});

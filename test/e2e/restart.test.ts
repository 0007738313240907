/**
 * What a user sees across restarts of the embedded default: the API key is generated and shown
 * once (stored only as a hash), accepted messages survive, and queued work is sent after a restart.
 */

import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LINE_SANDBOX_CREDENTIALS } from '../../src/channels/line/options.ts';
import { CHANNEL_NAMES } from '../../src/channels/registry.ts';
import { loadConfig } from '../../src/config/config.ts';
import { startGateway } from '../../src/runtime.ts';
import { json, startServer } from '../support/http-server.ts';
import { captureLog } from '../support/log-capture.ts';
import { LINE_USER } from '../support/recipients.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'omnigate-restart-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const config = () => loadConfig({ PORT: '0', OMNIGATE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });

describe('restarts', () => {
  it('generates the key once, keeps accepted messages, and sends what was still queued', async () => {
    const first = await startGateway(config(), { quiet: true, startWorkers: false });
    const key = first.boot.generatedApiKey;
    expect(key).toMatch(/^og_[0-9A-Za-z]{40}$/);
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const sent = await first.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: auth,
      payload: { channel: 'line', to: LINE_USER, message: { type: 'text', text: 'survives' } },
    });
    expect(sent.statusCode).toBe(202);
    const id = sent.json().messages[0].id;
    await first.stop();

    const second = await startGateway(config(), { quiet: true });
    try {
      expect(second.boot.generatedApiKey).toBeUndefined();
      expect(second.boot.sandboxAccounts).toHaveLength(CHANNEL_NAMES.length);
      const accounts = await second.app.inject({ method: 'GET', url: '/v1/channel-accounts', headers: auth });
      expect(accounts.json().data).toHaveLength(CHANNEL_NAMES.length);
      for (let i = 0; i < 200; i++) {
        const res = await second.app.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: auth });
        if (res.json().status === 'sent') break;
        await new Promise((r) => setTimeout(r, 25));
      }
      const done = await second.app.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: auth });
      expect(done.json().status).toBe('sent');
    } finally {
      await second.stop();
    }
  });
});

describe('one gateway per data directory', () => {
  it('refuses a second gateway on a directory a live one holds, and takes over after it stops', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'omnigate-lock-'));
    const config = () =>
      loadConfig({
        PORT: '0',
        OMNIGATE_DATA_DIR: dataDir,
        OMNIGATE_API_KEY: 'og_lock_test_key_0000000000000000000',
        LOG_LEVEL: 'silent',
      });
    const first = await startGateway(config(), { quiet: true });
    try {
      await expect(startGateway(config(), { quiet: true })).rejects.toThrow(/in use by another Omnigate/);
    } finally {
      await first.stop();
    }
    const second = await startGateway(config(), { quiet: true });
    await second.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('from sandbox mode to production on the same data', () => {
  const KEY = 'og_sandbox_to_production_key_0123456789ab';
  const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

  it('says at start the sandbox accounts will not be used, and refuses to send or receive through them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnigate-to-production-'));
    const env = { PORT: '0', OMNIGATE_DATA_DIR: dir, OMNIGATE_API_KEY: KEY, LOG_LEVEL: 'info' };
    try {
      const sandbox = await startGateway(loadConfig(env), { quiet: true, startWorkers: false });
      const line = sandbox.boot.sandboxAccounts.find((a) => a.channel === 'line')!;
      await sandbox.stop();

      // The operator takes the key out of the data directory, as production requires.
      const masterKey = readFileSync(join(dir, 'master.key'), 'utf8').trim();
      const log = captureLog();
      const production = await startGateway(
        loadConfig({ ...env, OMNIGATE_MODE: 'production', OMNIGATE_MASTER_KEY: masterKey }),
        { quiet: true, startWorkers: false, logger: log.logger },
      );
      try {
        const said = log.lines().find((l) => String(l.msg).includes('sandbox accounts'));
        expect(said?.level).toBe(40);
        expect(said?.msg).toContain('will not be used');
        expect(said?.msg).toContain(line.id);

        const send = (body: Record<string, unknown>) =>
          production.app.inject({
            method: 'POST',
            url: '/v1/messages',
            headers: auth,
            payload: { channel: 'line', to: LINE_USER, message: { type: 'text', text: 'x' }, ...body },
          });
        const byDefault = await send({});
        expect(byDefault.statusCode).toBe(422);
        expect(byDefault.json()).toMatchObject({
          code: 'GW_SANDBOX_ACCOUNT',
          errors: [{ pointer: '/channel', rule: 'sandbox_account' }],
        });
        expect(byDefault.json().detail).toContain(line.id);
        const named = await send({ from: line.id });
        expect(named.statusCode).toBe(422);
        expect(named.json()).toMatchObject({ code: 'GW_SANDBOX_ACCOUNT', errors: [{ pointer: '/from' }] });

        // The emulators' credentials are public: a new account may not use them either.
        const withPublic = await production.app.inject({
          method: 'POST',
          url: '/v1/channel-accounts',
          headers: auth,
          payload: { channel: 'line', name: 'copied', credentials: LINE_SANDBOX_CREDENTIALS },
        });
        expect(withPublic.statusCode).toBe(400);
        expect(
          withPublic
            .json()
            .errors.map((e: { pointer: string }) => e.pointer)
            .sort(),
        ).toEqual(['/credentials/channelAccessToken', '/credentials/channelSecret']);

        // Anyone can sign with the public channel secret, so the sandbox account's webhook is gone.
        const raw = JSON.stringify({ destination: 'U0', events: [] });
        const signature = createHmac('sha256', LINE_SANDBOX_CREDENTIALS.channelSecret)
          .update(raw)
          .digest('base64');
        const inbound = await production.app.inject({
          method: 'POST',
          url: `/webhooks/line/${line.id}`,
          headers: { 'content-type': 'application/json', 'x-line-signature': signature },
          payload: raw,
        });
        expect(inbound.statusCode).toBe(404);

        // With an account of its own, the channel's default is that account.
        const own = await production.app.inject({
          method: 'POST',
          url: '/v1/channel-accounts',
          headers: auth,
          payload: {
            channel: 'line',
            name: 'real',
            credentials: { channelAccessToken: 'real-token', channelSecret: 'real-secret' },
          },
        });
        expect(own.statusCode).toBe(201);
        const accepted = await send({});
        expect(accepted.statusCode).toBe(202);
        const stored = await production.app.inject({
          method: 'GET',
          url: `/v1/messages/${accepted.json().messages[0].id}`,
          headers: auth,
        });
        expect(stored.json().from).toBe(own.json().id);
      } finally {
        await production.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails what sandbox mode queued through a sandbox account, and sends none of it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnigate-to-production-queued-'));
    const env = { PORT: '0', OMNIGATE_DATA_DIR: dir, OMNIGATE_API_KEY: KEY, LOG_LEVEL: 'silent' };
    // Where production would send LINE requests: it must hear nothing.
    const provider = await startServer((_r, res) => json(res, 200, { sentMessages: [{ id: '1' }] }));
    try {
      const sandbox = await startGateway(loadConfig(env), { quiet: true, startWorkers: false });
      const queued = await sandbox.app.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: auth,
        payload: { channel: 'line', to: LINE_USER, message: { type: 'text', text: 'queued in sandbox' } },
      });
      expect(queued.statusCode).toBe(202);
      const id = queued.json().messages[0].id;
      await sandbox.stop();

      const masterKey = readFileSync(join(dir, 'master.key'), 'utf8').trim();
      const production = await startGateway(
        loadConfig({
          ...env,
          OMNIGATE_MODE: 'production',
          OMNIGATE_MASTER_KEY: masterKey,
          OMNIGATE_LINE_API_BASE: provider.url,
        }),
        { quiet: true },
      );
      try {
        let message: { status: string; events: { code?: string }[] } | undefined;
        for (let i = 0; i < 100 && message?.status !== 'failed'; i++) {
          await new Promise((r) => setTimeout(r, 50));
          const read = await production.app.inject({
            method: 'GET',
            url: `/v1/messages/${id}`,
            headers: auth,
          });
          message = read.json();
        }
        expect(message?.status).toBe('failed');
        expect(message?.events.at(-1)?.code).toBe('sandbox_account');
        expect(provider.received).toHaveLength(0);
      } finally {
        await production.stop();
      }
    } finally {
      await provider.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * What a user sees across restarts of the embedded default: the API key is generated and shown
 * once (stored only as a hash), accepted messages survive, and queued work is sent after a restart.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES } from '../../src/channels/registry.ts';
import { loadConfig } from '../../src/config/config.ts';
import { startGateway } from '../../src/runtime.ts';
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

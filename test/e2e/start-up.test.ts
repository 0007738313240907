/**
 * Starting the gateway: settings that would break a guarantee are refused before anything opens,
 * and a start that fails half-way leaves nothing behind (no lock on the data directory, no open
 * database).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../src/channels/registry.ts';
import { loadConfig, minimumLeaseMs } from '../../src/config/config.ts';
import { startGateway } from '../../src/runtime.ts';
import { captureLog } from '../support/log-capture.ts';

describe('start-up', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('refuses a lease shorter than an attempt can take, naming both settings', () => {
    expect(() => loadConfig({ OMNIGATE_LEASE_MS: '20000' })).toThrow(
      /OMNIGATE_LEASE_MS must be at least 32000 \(2 × OMNIGATE_PROVIDER_TIMEOUT_MS \+ 2000\), got 20000/,
    );
    expect(loadConfig({ OMNIGATE_LEASE_MS: '32000' }).leaseMs).toBe(32_000);
    // A longer provider timeout needs a longer lease; a shorter one allows it.
    expect(() => loadConfig({ OMNIGATE_PROVIDER_TIMEOUT_MS: '40000' })).toThrow(/at least 82000/);
    expect(loadConfig({ OMNIGATE_PROVIDER_TIMEOUT_MS: '1000', OMNIGATE_LEASE_MS: '4000' })).toMatchObject({
      providerTimeoutMs: 1000,
      leaseMs: 4000,
    });
    expect(minimumLeaseMs(15_000)).toBeLessThanOrEqual(loadConfig({}).leaseMs);
  });

  it('refuses a bad OMNIGATE_<NAME>_* value of a channel it runs, naming it, before anything opens', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'omnigate-start-')), 'data');
    cleanups.push(() => rmSync(resolve(dataDir, '..'), { recursive: true, force: true }));
    const env = { OMNIGATE_DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '0' };
    const bad = {
      OMNIGATE_LINE_RATE_PER_SECOND: [
        /OMNIGATE_LINE_RATE_PER_SECOND must be a positive integer, got '0'/,
        '0',
      ],
      OMNIGATE_TELEGRAM_RECIPIENT_RATE_PER_SECOND: [
        /OMNIGATE_TELEGRAM_RECIPIENT_RATE_PER_SECOND must be a positive number, got 'fast'/,
        'fast',
      ],
      OMNIGATE_WHATSAPP_DEFAULT_TTL_SECONDS: [
        /OMNIGATE_WHATSAPP_DEFAULT_TTL_SECONDS must be a positive integer, got '1.5'/,
        '1.5',
      ],
    } as const;
    for (const [name, [message, value]] of Object.entries(bad)) {
      await expect(startGateway(loadConfig({ ...env, [name]: value }), { quiet: true })).rejects.toThrow(
        message,
      );
    }
    // Refused before the data directory was even made.
    expect(existsSync(dataDir)).toBe(false);
    // The settings read are those of the channels the gateway is given: without Viber, its
    // variables are not read.
    const { viber: _viber, ...withoutViber } = CONNECTORS;
    const gateway = await startGateway(loadConfig({ ...env, OMNIGATE_VIBER_RATE_PER_SECOND: '0' }), {
      quiet: true,
      connectors: withoutViber,
    });
    await gateway.stop();
  });

  it('releases the data directory and the database when the port is taken', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'omnigate-start-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const taken: Server = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => taken.close(r)));
    const port = (taken.address() as { port: number }).port;
    const env = { OMNIGATE_DATA_DIR: dataDir, LOG_LEVEL: 'silent', OMNIGATE_SQLITE_SYNCHRONOUS: 'NORMAL' };

    await expect(startGateway(loadConfig({ ...env, PORT: String(port) }), { quiet: true })).rejects.toThrow(
      /EADDRINUSE/,
    );
    // Had the failed start kept its lock, this would be refused as "in use by another gateway".
    const gateway = await startGateway(loadConfig({ ...env, PORT: '0' }), { quiet: true });
    await gateway.stop();
  });

  it('releases the data directory when its database cannot be opened', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'omnigate-start-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    writeFileSync(join(dataDir, 'omnigate.db'), 'not a database, but long enough to be read as one');
    const config = loadConfig({ OMNIGATE_DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '0' });
    await expect(startGateway(config, { quiet: true })).rejects.toThrow(/not a database/);
    expect(existsSync(join(dataDir, 'omnigate.pid'))).toBe(false);
    // The same error again, not "in use by another Omnigate gateway in this process".
    await expect(startGateway(config, { quiet: true })).rejects.toThrow(/not a database/);
  });
});

describe('the master key', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnigate-key-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };
  const base = { LOG_LEVEL: 'info', PORT: '0', OMNIGATE_SQLITE_SYNCHRONOUS: 'NORMAL' };

  it('says at start that sandbox mode keeps it in the data directory, and what production needs', async () => {
    const dataDir = tempDir();
    const log = captureLog();
    const gateway = await startGateway(loadConfig({ ...base, OMNIGATE_DATA_DIR: dataDir }), {
      quiet: true,
      logger: log.logger,
    });
    cleanups.push(() => gateway.stop());
    const warning = log.lines().find((l) => String(l.msg).includes('master key'));
    expect(warning?.level).toBe(40);
    expect(warning?.msg).toContain(join(resolve(dataDir), 'master.key'));
    expect(warning?.msg).toMatch(
      /OMNIGATE_MASTER_KEY or OMNIGATE_MASTER_KEY_FILE outside the data directory/,
    );
    expect(gateway.masterKeyInDataDir).toBe(join(resolve(dataDir), 'master.key'));
  });

  it('is taken from a file outside the data directory in production, and refused inside it', async () => {
    const dataDir = tempDir();
    const keyDir = tempDir();
    const key = randomBytes(32).toString('base64');
    writeFileSync(join(dataDir, 'master.key'), key);
    writeFileSync(join(keyDir, 'master.key'), key);
    const production = { ...base, OMNIGATE_MODE: 'production', OMNIGATE_DATA_DIR: dataDir };

    await expect(startGateway(loadConfig(production), { quiet: true })).rejects.toThrow(
      /OMNIGATE_MASTER_KEY \(base64 of 32 random bytes\) or OMNIGATE_MASTER_KEY_FILE \(a file outside the data directory\) is required/,
    );
    await expect(
      startGateway(loadConfig({ ...production, OMNIGATE_MASTER_KEY_FILE: join(dataDir, 'master.key') }), {
        quiet: true,
      }),
    ).rejects.toThrow(/OMNIGATE_MASTER_KEY_FILE .* is inside the data directory/);

    const log = captureLog();
    const gateway = await startGateway(
      loadConfig({ ...production, OMNIGATE_MASTER_KEY_FILE: join(keyDir, 'master.key') }),
      { quiet: true, logger: log.logger },
    );
    cleanups.push(() => gateway.stop());
    expect(gateway.masterKeyInDataDir).toBeUndefined();
    expect(log.text).not.toContain('master key');
  });
});

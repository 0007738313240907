/**
 * Starting the gateway: settings that would break a guarantee are refused before anything opens,
 * and a start that fails half-way leaves nothing behind (no lock on the data directory, no open
 * database).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, minimumLeaseMs } from '../../src/config/config.ts';
import { startGateway } from '../../src/runtime.ts';

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

/**
 * The short version of `npm run fuzz`: generated hostile bodies to every endpoint that takes one
 * (native API, façades, provider webhooks) over real HTTP. No 5xx, every request answered, the
 * server alive, and the database holding exactly the messages the 2xx answers accepted.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fuzz } from '../../scripts/fuzz.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

/** Sized for a 2-core CI: about 4,000 requests in all, some 15 s per backend. */
const RUNS = Number(process.env.OMNIGATE_FUZZ_RUNS ?? 120);

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({}, { startWorkers: false });
});
afterAll(async () => gw.close());

it('answers generated hostile bodies on every endpoint without a 5xx or a partial write', async () => {
  const report = await fuzz(gw, { runs: RUNS, seed: 17, concurrency: 4 });
  expect(report.endpoints).toBeGreaterThanOrEqual(30);
  expect(report.serverErrors).toEqual([]);
  expect(report.noAnswer).toBe(0);
  expect(report.alive).toBe(true);
  expect(report.accepted).toBeGreaterThan(0);
  expect(report.stored).toBe(report.accepted);
}, 120_000);

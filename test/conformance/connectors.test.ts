/**
 * The connector conformance suite (./connector.ts) against every channel of the registry, and the
 * Echo fixture channel (test/fixtures/channels/echo), which no registry lists.
 */
import { describe, expect, it } from 'vitest';
import { CONNECTORS, EMULATORS } from '../../src/channels/registry.ts';
import { echoConnector, echoEmulator } from '../fixtures/channels/echo/index.ts';
import { connectorConformance } from './connector.ts';
import { CHANNEL_SAMPLES, echoSamples } from './samples/index.ts';

describe('the conformance suite', () => {
  it('has samples of every registered channel', () => {
    expect(Object.keys(CHANNEL_SAMPLES).sort()).toEqual(Object.keys(CONNECTORS).sort());
  });
});

for (const [name, connector] of Object.entries(CONNECTORS)) {
  const samples = CHANNEL_SAMPLES[name];
  if (samples) connectorConformance(name, connector, EMULATORS[name], samples);
}
connectorConformance('echo', echoConnector, echoEmulator, echoSamples);

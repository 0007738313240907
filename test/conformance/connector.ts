/**
 * One conformance suite for every channel connector, the way test/conformance/limits.test.ts runs
 * one suite against each delivery-limits backend. What every channel must do is written once
 * here; what is the provider's own (its answers, its webhooks, a request it refuses) comes from
 * the channel's samples (./samples/<channel>.ts). The cases:
 * 1. declarations: a capability for every kind, a note for every limit, its column in
 *    docs/capabilities.md;
 * 2. render or refuse: every form of every kind (test/fixtures/kind-variants.ts) and the rich
 *    sample of each (test/fixtures/messages.ts) is refused at its field, the reason in the test's
 *    name, or renders to a request valid against the provider's specification (where one
 *    exists) that the emulator takes;
 * 3. classify: success, throttled with its wait, transient, permanent and ambiguous answers;
 * 4. inbound: a signed webhook verifies and parses, a wrong signature and a tampered body do not,
 *    and what the emulator itself posts verifies and parses;
 * 5. secrets: a stored (rendered) request holds no credential; authorize applies them;
 * 6. emulator strictness: the emulator refuses what the provider refuses.
 * Pure calls and Fastify `inject` only: no database, no socket but the receiver of the emulator's
 * own webhooks.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capabilityTableMarkdown } from '../../src/api/capability-table.ts';
import { CONNECTORS } from '../../src/channels/registry.ts';
import type { ChannelConnector } from '../../src/core/ports/channel.ts';
import { channelOptions } from '../../src/core/prepare-send.ts';
import { checkCanonicalMessage } from '../../src/core/rules/send/canonical-message.ts';
import { capabilityRefusal } from '../../src/core/rules/send/capability.ts';
import type {
  Credentials,
  FieldIssue,
  InboundEvent,
  InboundRequest,
  ProviderRequest,
  ProviderResponse,
  SendOutcome,
} from '../../src/core/vocabulary/channel.ts';
import { type CanonicalMessage, MESSAGE_KINDS, type MessageKind } from '../../src/core/vocabulary/message.ts';
import type { Emulator } from '../../src/sandbox/types.ts';
import { type KindVariant, kindVariants } from '../fixtures/kind-variants.ts';
import { SAMPLE_MESSAGES } from '../fixtures/messages.ts';
import { emulatorHarness } from '../support/emulator.ts';
import { startServer } from '../support/http-server.ts';

/** A request as `authorize` makes it: what goes on the wire. */
export interface AuthorizedRequest {
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A provider answer and what `classify` must make of it. */
export interface AnswerSample {
  response: ProviderResponse;
  /** The outcome, or the part of it that matters (`toMatchObject`). */
  outcome: Partial<SendOutcome> & Pick<SendOutcome, 'kind'>;
}

/** The provider's own facts the suite cannot know: its recipients, answers, webhooks, refusals. */
export interface ConnectorSamples {
  /** The n-th distinct recipient the emulator takes (src/sandbox/sample-recipients.ts). */
  recipient(n: number): string;
  /** The forms of each kind to render. Omitted: test/fixtures/kind-variants.ts for the channel's name. */
  variants?(kind: MessageKind): KindVariant[];
  /** Problems of a request against the provider's own specification, where it publishes one. */
  spec?: { name: string; problems(request: AuthorizedRequest): string[] };
  /** One answer of each class, in the provider's words (its classify tests, its emulator's errors). */
  answers: {
    success: AnswerSample;
    /** With the wait the provider gives, where it gives one. */
    throttled: AnswerSample;
    transient: AnswerSample;
    permanent: AnswerSample;
  };
  inbound: {
    /** A webhook body exactly as the provider posts it. */
    body: string;
    /** The headers and query the provider signs it with, under `credentials`. */
    sign(
      raw: Buffer,
      credentials: Credentials,
    ): { headers: Record<string, string>; query: Record<string, string> };
    /** Whether the signature covers the body; if not, why not (Telegram's is a shared secret). */
    signsBody: true | { because: string };
  };
  /** A request the provider refuses although well authorized, from the channel's emulator tests. */
  refused: { name: string; request: ProviderRequest };
  /** Whether the emulator posts receipts after a send, and so a webhook the connector must read. */
  receipts: boolean;
}

/** test/fixtures/messages.ts: one message of each kind with every decoration. */
const RICH_SAMPLE = 'the rich sample';

const DOCS = new URL('../../docs/capabilities.md', import.meta.url);

/** A credential value long enough that finding it in a request is no coincidence. */
const secretValues = (credentials: Credentials) => Object.values(credentials).filter((v) => v.length >= 8);

/** The same credentials, every value changed: what another account, or an attacker, holds. */
const otherCredentials = (credentials: Credentials): Credentials =>
  Object.fromEntries(
    Object.entries(credentials).map(([k, v]) => [k, `${v.slice(0, -1)}${v.endsWith('Z') ? 'Y' : 'Z'}`]),
  );

/** A column of a generated capability table, by display name: kind → cell. */
function capabilityColumn(markdown: string, displayName: string): Record<string, string> {
  const rows = markdown
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .map((line) => line.slice(2, -2).split(' | '));
  const column = rows[0]?.indexOf(displayName) ?? -1;
  if (column < 1) return {};
  return Object.fromEntries(rows.slice(1).map((row) => [row[0] ?? '', row[column] ?? '']));
}

/**
 * The 422 a send of `message` gets before anything is stored, or undefined if it is accepted: the
 * send rules that need no I/O (core/rules/send/: capability, canonical message, recipient, the
 * channel's limits), in their declared order, read synchronously so tests can be listed from it.
 */
function refusalOf(
  connector: ChannelConnector,
  to: string,
  message: CanonicalMessage,
): FieldIssue[] | undefined {
  const refusal = capabilityRefusal(connector, message);
  if (refusal) return [refusal];
  const problem = connector.checkRecipient(to);
  const issues = [
    ...checkCanonicalMessage(message),
    ...(problem ? [{ pointer: '/to', detail: problem }] : []),
  ];
  if (issues.length > 0) throw new Error(`not a valid request: ${JSON.stringify(issues)}`);
  const refused = connector.check(message, channelOptions(connector, undefined));
  return refused.length > 0 ? refused : undefined;
}

export function connectorConformance(
  name: string,
  connector: ChannelConnector,
  emulator: Emulator | undefined,
  samples: ConnectorSamples,
): void {
  const credentials = connector.sandboxCredentials;
  let recipients = 0;
  const nextRecipient = () => samples.recipient(++recipients);
  // Every form of the kind, and the rich sample (headers, footers, badges) where it is not the
  // channel's own (a raw payload is).
  const variants = (kind: MessageKind): KindVariant[] => [
    ...(samples.variants?.(kind) ?? kindVariants(kind, name)),
    ...(kind === 'raw' ? [] : [{ name: RICH_SAMPLE, message: SAMPLE_MESSAGES[kind] }]),
  ];
  const render = (message: CanonicalMessage, to = nextRecipient()) =>
    connector.render(message, { to, retryKey: randomUUID() });

  describe(`${name} connector conformance`, () => {
    // The emulator in a bare Fastify app, its webhooks posted to a loopback receiver.
    let app: FastifyInstance | undefined;
    let hooks: Awaited<ReturnType<typeof startServer>> | undefined;
    let accessToken: string | undefined;
    const harness = emulator ? emulatorHarness(connector, emulator) : undefined;
    beforeAll(async () => {
      if (!harness) return;
      hooks = await startServer((_r, res) => res.writeHead(200).end());
      ({ app } = await harness.buildSandbox(`${hooks.url}/webhook`));
    });
    afterAll(async () => {
      await app?.close();
      await hooks?.close();
    });

    /** The account's credentials as the dispatcher hands them to `authorize`, with a fresh token if it uses them. */
    async function sendingCredentials(): Promise<Credentials> {
      const flow = connector.accessToken;
      if (!flow) return credentials;
      if (accessToken === undefined) {
        const parsed = flow.parse(await harness!.send(app!, flow.request(credentials)));
        if ('error' in parsed) throw new Error(parsed.error);
        accessToken = parsed.token;
      }
      return { ...credentials, accessToken };
    }

    /** Sends a stored request to the emulator as the dispatcher would, and classifies the answer. */
    async function deliver(request: ProviderRequest, as?: Credentials) {
      const response = await harness!.send(app!, request, as ?? (await sendingCredentials()));
      return { response, outcome: connector.classify(response) };
    }

    describe('declarations', () => {
      it('is registered under its own name', () => {
        expect(connector.name).toBe(name);
        expect(connector.displayName).not.toBe('');
      });

      it('declares how it carries every message kind', () => {
        expect(Object.keys(connector.capabilities).sort()).toEqual([...MESSAGE_KINDS].sort());
        for (const kind of MESSAGE_KINDS) {
          const capability = connector.capabilities[kind];
          if (capability.support === 'refused') expect(capability.reason, kind).toMatch(/\S{3}/);
          if (capability.support === 'degraded') {
            expect(capability.to, kind).toMatch(/\S{3}/);
            expect(capability.rule, kind).toMatch(/^[a-z][a-z0-9_]+$/);
          }
        }
      });

      it('notes every limit it enforces, with where and a source', () => {
        expect(connector.limits.length).toBeGreaterThan(0);
        for (const table of connector.limits) {
          for (const key of Object.keys(table.values)) {
            if (table.except?.includes(key)) continue;
            const note = table.notes[key];
            expect(note?.source, `${table.name}.${key}`).toMatch(
              /^(https:\/\/|providers\.md §\d|\[chosen\] |telegram-bot-api )/,
            );
            expect(note?.where.length, `${table.name}.${key}`).toBeGreaterThan(0);
          }
        }
      });

      const registered = CONNECTORS[name] === connector;
      it(
        registered
          ? 'has its column in docs/capabilities.md, as it declares'
          : 'has its column in the table a gateway running it publishes (it is not in docs/capabilities.md)',
        () => {
          const own = capabilityColumn(capabilityTableMarkdown({ [name]: connector }), connector.displayName);
          expect(Object.keys(own)).toHaveLength(MESSAGE_KINDS.length);
          const published = registered
            ? readFileSync(DOCS, 'utf8')
            : capabilityTableMarkdown({ ...CONNECTORS, [name]: connector });
          expect(capabilityColumn(published, connector.displayName)).toEqual(own);
        },
      );
    });

    describe.skipIf(!emulator)('render or refuse', () => {
      for (const kind of MESSAGE_KINDS) {
        const capability = connector.capabilities[kind];
        if (capability.support === 'refused') {
          it(`refuses ${kind}: ${capability.reason}`, () => {
            for (const { message } of variants(kind)) {
              expect(refusalOf(connector, nextRecipient(), message)).toEqual([
                expect.objectContaining({ pointer: '/message/type', rule: 'channel_capability' }),
              ]);
            }
          });
          continue;
        }
        // Which forms are refused is known before any request: each refusal is a test of its own,
        // its reason in the title, so the run lists what the channel cannot carry and why.
        const forms = variants(kind).map((form) => {
          const to = nextRecipient();
          return { ...form, to, refusal: refusalOf(connector, to, form.message) };
        });
        for (const { name: form, refusal } of forms) {
          if (!refusal) continue;
          const why = refusal.map((i) => `${i.pointer} ${i.detail}`).join('; ');
          it(`refuses ${kind} (${form}) at its field: ${why}`, () => {
            for (const issue of refusal) expect(issue.pointer).toMatch(/^\/(message|options)\//);
            // A representative form is refused only as a declared capability; the rich sample,
            // not addressed to the channel, may be refused for any of its limits.
            if (form !== RICH_SAMPLE) {
              expect(capability.refuses, `${form} is refused, but ${kind} declares no refuses`).toBeDefined();
              for (const issue of refusal) expect(issue.rule).toBe('channel_capability');
            }
          });
        }
        const carried = forms.filter((f) => !f.refusal);
        it(`renders ${kind} (${carried.map((f) => f.name).join(', ')}) as the provider takes it`, async () => {
          expect(carried.length).toBeGreaterThan(0);
          const problems: string[] = [];
          for (const { name: form, message, to } of carried) {
            const { request } = render(message, to);
            const sendAs = await sendingCredentials();
            if (samples.spec) {
              const wire = connector.authorize(request, sendAs);
              const authorized = { ...wire, body: wire.body ?? request.body };
              for (const p of samples.spec.problems(authorized))
                problems.push(`${form}: ${samples.spec.name}: ${p}`);
            }
            const { response, outcome } = await deliver(request, sendAs);
            if (outcome.kind !== 'sent') {
              problems.push(
                `${form}: the emulator answered ${response.status} ${JSON.stringify(response.body)}`,
              );
            }
          }
          expect(problems).toEqual([]);
        });
      }
    });

    describe('classify', () => {
      for (const [answer, sample] of Object.entries(samples.answers)) {
        it(`reads the provider's ${answer} answer as ${sample.outcome.kind}`, () => {
          expect(connector.classify(sample.response)).toMatchObject(sample.outcome);
          if (sample.outcome.kind === 'rate_limited' && !('retryAfterMs' in sample.outcome)) {
            expect(connector.classify(sample.response)).not.toHaveProperty('retryAfterMs');
          }
        });
      }

      it('reads an unreadable 2xx as sent, a proxy 502 as unknown, a proxy 503 as transient', () => {
        const text = (status: number, body: string, type = 'text/html'): ProviderResponse => ({
          status,
          headers: { 'content-type': type },
          body,
          rawBody: body,
        });
        // A 2xx took the message whatever its body: sending again would send it twice.
        expect(connector.classify(text(200, '{"id":"cut sh', 'application/json')).kind).toBe('sent');
        expect(connector.classify(text(502, '<html><h1>502 Bad Gateway</h1></html>')).kind).toBe(
          'maybe_sent',
        );
        expect(connector.classify(text(504, '<html><h1>504 Gateway Timeout</h1></html>')).kind).toBe(
          'maybe_sent',
        );
        expect(connector.classify(text(503, '<html><h1>503 Service Unavailable</h1></html>')).kind).toBe(
          'transient',
        );
      });

      it.skipIf(!emulator)("reads its emulator's chaos answers as throttled and transient", () => {
        const faults = emulator?.faults ?? {
          throttled: () => ({ status: 429, body: {} }),
          serverError: () => ({ status: 500, body: {} }),
        };
        const asResponse = (a: { status: number; headers?: Record<string, string>; body: unknown }) => ({
          status: a.status,
          headers: a.headers ?? {},
          body: a.body,
        });
        expect(connector.classify(asResponse(faults.throttled(1))).kind).toBe('rate_limited');
        expect(['transient', 'maybe_sent']).toContain(
          connector.classify(asResponse(faults.serverError())).kind,
        );
      });
    });

    describe('inbound', () => {
      const raw = Buffer.from(samples.inbound.body);
      const inbound = (rawBody: Buffer, signedWith: Credentials): InboundRequest => {
        const { headers, query } = samples.inbound.sign(raw, signedWith);
        return { rawBody, headers, query };
      };
      const events = (request: InboundRequest, as: Credentials = credentials): InboundEvent[] => {
        const opened = connector.openInbound ? connector.openInbound(request, as) : request.rawBody;
        if (opened === undefined) throw new Error('the webhook does not open');
        const decoded = connector.decodeInbound
          ? connector.decodeInbound(opened)
          : JSON.parse(opened.toString());
        return connector.parseInbound(decoded);
      };

      it('verifies a signed webhook and parses it into events', () => {
        const request = inbound(raw, credentials);
        expect(connector.verifyInbound(request, credentials)).toBe(true);
        expect(events(request).length).toBeGreaterThan(0);
      });

      it('refuses a webhook signed with another account’s secrets, or not signed', () => {
        expect(connector.verifyInbound(inbound(raw, otherCredentials(credentials)), credentials)).toBe(false);
        expect(connector.verifyInbound({ rawBody: raw, headers: {}, query: {} }, credentials)).toBe(false);
      });

      const tamper = samples.inbound.signsBody;
      it.skipIf(tamper !== true)(
        tamper === true
          ? 'refuses a tampered body'
          : `leaves a tampered body to the parser: ${tamper.because}`,
        () => {
          const middle = Math.floor(raw.length / 2);
          const changed = Buffer.from(raw);
          changed[middle] = (changed[middle] ?? 0) === 0x61 ? 0x62 : 0x61;
          expect(connector.verifyInbound(inbound(changed, credentials), credentials)).toBe(false);
          expect(
            connector.verifyInbound(
              inbound(Buffer.concat([raw, Buffer.from(' ')]), credentials),
              credentials,
            ),
          ).toBe(false);
        },
      );

      it.skipIf(!emulator || !samples.receipts)(
        'reads the receipts its emulator posts after a send',
        async () => {
          const before = hooks!.received.length;
          const to = nextRecipient();
          const { outcome } = await deliver(render({ type: 'text', text: 'a receipt, please' }, to).request);
          expect(outcome.kind).toBe('sent');
          const id = outcome.kind === 'sent' ? outcome.providerMessageId : undefined;
          // A receipt names the message (by the id the send was answered with) or, as a watermark,
          // the person. Receipts of earlier sends may still be arriving: wait for one about this one.
          const about = (e: InboundEvent) =>
            (e.kind === 'status' && e.providerMessageId === id) ||
            (e.kind === 'status_watermark' && e.recipient === to);
          const read = () =>
            hooks!.received.slice(before).flatMap((p) => {
              const headers = Object.fromEntries(Object.entries(p.headers).map(([k, v]) => [k, String(v)]));
              const request = { rawBody: Buffer.from(p.body), headers, query: {} };
              expect(connector.verifyInbound(request, credentials)).toBe(true);
              return events(request);
            });
          const end = Date.now() + 5000;
          while (!read().some(about) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
          expect(read().filter(about).length, JSON.stringify(read())).toBeGreaterThan(0);
        },
      );
    });

    describe('secrets', () => {
      it('stores no credential in a rendered request; authorize applies them', async () => {
        const sendAs = await (emulator ? sendingCredentials() : Promise.resolve(credentials));
        for (const kind of MESSAGE_KINDS.filter((k) => connector.capabilities[k].support !== 'refused')) {
          for (const { name: form, message } of variants(kind)) {
            const to = nextRecipient();
            if (refusalOf(connector, to, message)) continue;
            const { request } = render(message, to);
            const stored = JSON.stringify(request);
            for (const secret of secretValues(sendAs))
              expect(stored, `${kind} ${form}`).not.toContain(secret);
            const wire = connector.authorize(request, sendAs);
            const sent = JSON.stringify({ path: wire.path, headers: wire.headers });
            expect(
              secretValues(sendAs).some(
                (secret) => sent.includes(encodeURIComponent(secret)) || sent.includes(secret),
              ),
              `${kind} ${form}`,
            ).toBe(true);
          }
        }
      });
    });

    describe.skipIf(!emulator)('emulator strictness', () => {
      it('refuses a request authorized with another account’s credentials', async () => {
        const { request } = render({ type: 'text', text: 'not yours' });
        const as = otherCredentials(await sendingCredentials());
        const { response, outcome } = await deliver(request, as);
        expect(outcome.kind, `${response.status} ${JSON.stringify(response.body)}`).not.toBe('sent');
      });

      it('refuses text over the provider’s limit, as check does', async () => {
        const message: CanonicalMessage = { type: 'text', text: 'x'.repeat(100_000) };
        const to = nextRecipient();
        expect(refusalOf(connector, to, message)).toEqual([
          expect.objectContaining({ pointer: '/message/text', rule: expect.stringMatching(/^max/) }),
        ]);
        const { response, outcome } = await deliver(render(message, to).request);
        expect(outcome.kind, `${response.status} ${JSON.stringify(response.body)}`).toBe('permanent');
      });

      it(`refuses ${samples.refused.name}`, async () => {
        const { response, outcome } = await deliver(samples.refused.request);
        expect(outcome.kind, `${response.status} ${JSON.stringify(response.body)}`).toBe('permanent');
      });
    });
  });
}

/**
 * What a crash run must show, queue-checker style: every accepted message accounted for, nothing
 * sent that nobody asked for, duplicates only where the channel's maybe-sent policy allows them,
 * and maybe-sent after a crash only for messages whose request had really left.
 * Returns the violations (empty when all holds).
 */
import type { CrashReport, FinalView } from './harness.ts';

/**
 * When the gateway, restarted, treated the message as maybe sent because a crash cut its attempt
 * off: the resend or the failure that followed. Undefined if no crash did.
 */
export function crashMaybeSentAt(final: FinalView): number | undefined {
  const event = final.events.find(
    (e) =>
      (e.code === 'maybe_sent_resend' && e.detail?.cause === 'interrupted') ||
      (e.status === 'failed' &&
        e.code === 'maybe_sent' &&
        /cut off|interrupted attempts|earlier attempt may have reached/.test(e.reason ?? '')),
  );
  return event ? Date.parse(event.at) : undefined;
}

/**
 * A message is marked `sending` just before its request is written, and a death can fall between
 * the two: a new connection still being opened, or a process just started whose event loop is busy
 * loading code (165 ms was seen). A mark this close to a death counts as in flight. A message
 * marked while it still had to wait for its rate limit (up to 1 s inline) would not.
 */
const MARK_TO_WIRE_MS = 500;

/**
 * Whether the message's attempt was really in flight when a crash cut it off: the provider had
 * its request before the restarted gateway decided, or it was marked just before a death.
 */
function wasInFlight(
  final: FinalView,
  hits: ReadonlyArray<{ at: number }>,
  deaths: readonly number[],
): boolean {
  const decidedAt = crashMaybeSentAt(final) ?? 0;
  if (hits.some((h) => h.at <= decidedAt)) return true;
  const markedAt = final.events.filter((e) => e.status === 'sending').map((e) => Date.parse(e.at));
  return markedAt.some((m) => deaths.some((d) => m <= d && d - m <= MARK_TO_WIRE_MS));
}

/** The run's figures, for the report and docs/guarantees.md. */
export function crashFigures(report: CrashReport) {
  const finals = [...report.finals.entries()];
  const crashMaybeSent = finals.filter(([, f]) => crashMaybeSentAt(f) !== undefined);
  const hitsOf = (token: string) => report.providerHits.get(token) ?? [];
  const channelOf = new Map(report.submitted.map((m) => [m.token, m.channel]));
  return {
    restarts: report.kills.length,
    messages: report.submitted.length,
    lost: report.submitted.filter((m) => !m.id || !report.finals.has(m.token)).length,
    /** Delivered more than once where the provider does not deduplicate (Telegram). */
    duplicates: finals.filter(([t]) => channelOf.get(t) === 'telegram' && hitsOf(t).length > 1).length,
    /** Resent to LINE under the same retry key (LINE runs it once). */
    lineResent: finals.filter(([t]) => channelOf.get(t) === 'line' && hitsOf(t).length > 1).length,
    failedMaybeSent: finals.filter(([, f]) => f.status === 'failed').length,
    resends: finals.reduce((n, [, f]) => n + (f.maybeSentResends ?? 0), 0),
    /** Messages the restarted gateway treated as maybe sent because a crash cut their attempt off. */
    maybeSentAfterCrash: crashMaybeSent.length,
    /** ... of which the provider had really received a request before that (the bound). */
    inFlightAtCrash: crashMaybeSent.filter(([t, f]) => wasInFlight(f, hitsOf(t), report.deaths)).length,
    /** ... of which the provider had received a request before the restarted gateway decided. */
    seenByProvider: crashMaybeSent.filter(([t, f]) =>
      hitsOf(t).some((h) => h.at <= (crashMaybeSentAt(f) ?? 0)),
    ).length,
  };
}

export function crashViolations(report: CrashReport): string[] {
  const problems: string[] = [];
  const idsByToken = new Map<string, string>();
  for (const m of report.submitted) {
    if (!m.id) {
      problems.push(`${m.token}: never acknowledged, even when resubmitted with its idempotency key`);
      continue;
    }
    idsByToken.set(m.token, m.id);
    const final = report.finals.get(m.token);
    const hits = report.providerHits.get(m.token) ?? [];
    if (!final) {
      problems.push(`${m.token} (${m.id}): accepted, then lost`);
      continue;
    }
    if (final.status === 'sent' && hits.length === 0)
      problems.push(`${m.token}: sent, but the provider never got it`);
    if (final.status === 'failed') {
      // A failure is only acceptable with a reason, and (this provider always says yes) only the
      // maybe-sent policy can cause one here.
      if (!final.statusReason) problems.push(`${m.token}: failed without a reason`);
      else if (!/may have reached|may have the message/.test(final.statusReason)) {
        problems.push(`${m.token}: failed for an unexpected reason: ${final.statusReason}`);
      }
      if (m.channel === 'line')
        problems.push(`${m.token}: LINE deduplicates, so a maybe-sent push must be resent`);
    }
    if (!['sent', 'failed'].includes(final.status))
      problems.push(`${m.token}: still ${final.status} after draining`);
    // Maybe-sent after a crash is bounded by what was in flight: the provider had the request.
    if (crashMaybeSentAt(final) !== undefined && !wasInFlight(final, hits, report.deaths)) {
      problems.push(`${m.token}: treated as maybe sent after a crash, but it was not in flight`);
    }
    const resends = final.maybeSentResends ?? 0;
    if (hits.length > 1) {
      // Telegram has no idempotency key: once more at most, and only as a counted resend.
      if (m.channel === 'telegram' && (hits.length > 2 || resends < hits.length - 1))
        problems.push(`${m.token}: Telegram got it ${hits.length} times with ${resends} counted resends`);
      const keys = new Set(hits.map((h) => h.headers['x-line-retry-key']));
      if (m.channel === 'line' && keys.size !== 1)
        problems.push(`${m.token}: resent with a different retry key`);
    }
    const callbacks = report.callbacks.get(m.id) ?? [];
    if (!callbacks.some((c) => c.status === final.status)) {
      problems.push(`${m.token}: no callback for its final status ${final.status}`);
    }
    const byWebhookId = new Map<string, string>();
    for (const c of callbacks) {
      const seen = byWebhookId.get(c.webhookId);
      if (seen !== undefined && seen !== c.status)
        problems.push(`${m.token}: webhook-id ${c.webhookId} reused`);
      byWebhookId.set(c.webhookId, c.status);
    }
  }
  if (new Set(idsByToken.values()).size !== idsByToken.size) {
    problems.push('two idempotency keys were given the same message id');
  }
  for (const token of report.unknownAtProvider)
    problems.push(`the provider got a message nobody sent: ${token}`);
  return problems;
}

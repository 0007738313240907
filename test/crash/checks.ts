/**
 * What a crash run must show, queue-checker style: every accepted message accounted for, nothing
 * sent that nobody asked for, duplicates only where the channel's maybe-sent policy allows them.
 * Returns the violations (empty when all holds).
 */
import type { CrashReport } from './harness.ts';

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
    if (hits.length > 1) {
      if (m.channel === 'telegram') problems.push(`${m.token}: Telegram got it ${hits.length} times`);
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

/** Building provider answers for the samples, as the dispatcher hands them to `classify`. */
import type { ProviderResponse } from '../../../src/core/vocabulary/channel.ts';

/** A JSON answer, with the text it came as. */
export function answer(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): ProviderResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body,
    rawBody: JSON.stringify(body),
  };
}

/** A header the provider signs a webhook with, and no query. */
export const signedBy = (name: string, value: string) => ({ headers: { [name]: value }, query: {} });

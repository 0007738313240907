/**
 * The token goes in an `Authorization: Bearer` header (Graph takes it there as well as in the
 * `access_token` query parameter), so it is never in the stored request nor in a logged URL.
 */
import type { ProviderRequest } from '../../../core/vocabulary/channel.ts';

export function bearer(request: ProviderRequest, token: string | undefined) {
  return { path: request.path, headers: { ...request.headers, authorization: `Bearer ${token ?? ''}` } };
}

/**
 * The Graph API error envelope all three Meta send APIs answer with:
 * `{"error":{"message","type","code","error_subcode","fbtrace_id", "error_data"?}}`.
 * Each connector decides what a code means for it; this only reads the envelope.
 */
export interface GraphError {
  message: string;
  type?: string;
  code: number;
  subcode?: number;
  fbtraceId?: string;
  details?: string;
}

export function readGraphError(body: unknown): GraphError | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as Record<string, unknown>;
  if (typeof e['code'] !== 'number') return undefined;
  const data = e['error_data'] as Record<string, unknown> | undefined;
  return {
    message: typeof e['message'] === 'string' ? e['message'] : '',
    code: e['code'],
    ...(typeof e['type'] === 'string' ? { type: e['type'] } : {}),
    ...(typeof e['error_subcode'] === 'number' ? { subcode: e['error_subcode'] } : {}),
    ...(typeof e['fbtrace_id'] === 'string' ? { fbtraceId: e['fbtrace_id'] } : {}),
    ...(typeof data?.['details'] === 'string' ? { details: data['details'] } : {}),
  };
}

/** The body a Graph endpoint answers an error with, for the emulators. */
export function graphErrorBody(
  code: number,
  message: string,
  extra: { type?: string; subcode?: number; details?: string } = {},
): { error: Record<string, unknown> } {
  return {
    error: {
      message,
      type: extra.type ?? 'OAuthException',
      code,
      ...(extra.subcode !== undefined ? { error_subcode: extra.subcode } : {}),
      ...(extra.details !== undefined ? { error_data: { details: extra.details } } : {}),
      fbtrace_id: `A${Math.random().toString(36).slice(2, 12)}`,
    },
  };
}

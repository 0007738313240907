/**
 * An HTTP answer as the client reads it off the wire (http.ts), in a file of its own so that the
 * core can name a provider's answer (`ProviderResponse`) without importing the HTTP driver.
 */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body was JSON, otherwise the text. */
  body: unknown;
  /** The body as received, for numbers JSON.parse would round (Viber's 64-bit message tokens). */
  rawBody?: string;
}

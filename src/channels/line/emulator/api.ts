/**
 * The LINE endpoints the emulator answers, in the order LINE checks a request: the access token,
 * the body as JSON, the retry key, the body against LINE's schemas and prose limits, then the
 * addressee (recipient id or reply token). Answers use LINE's status codes and body shapes.
 */
import { headerValue } from '../../../lib/headers.ts';
import { LINE_CHAT_ID, LINE_LIMITS, LINE_USER_ID } from '../limits.ts';
import type { LineSandboxState, SentMessage } from './state.ts';
import type { LineErrorDetail, LineValidators } from './validator.ts';

export type LineEndpoint = 'push' | 'reply' | 'loading';

export interface LineApiRequest {
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer | undefined;
}

export interface LineApiAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  /** The request body as parsed (or its text when it was not JSON), for the recorder. */
  parsedBody: unknown;
}

export interface LineApiContext {
  channelAccessToken: string;
  validators: LineValidators;
  state: LineSandboxState;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Message types LINE returns a quote token for: the ones a user can quote. */
const QUOTABLE = new Set(['text', 'textV2', 'sticker', 'image', 'video']);

export function handleLineApi(
  endpoint: LineEndpoint,
  req: LineApiRequest,
  ctx: LineApiContext,
): LineApiAnswer {
  const requestId = ctx.state.requestId();
  const text = req.rawBody?.toString('utf8');
  // Best effort for the recorder, even on requests refused before the body is looked at.
  let parsedBody: unknown = tryJson(text) ?? text;
  const answer = (status: number, body: unknown, extra: Record<string, string> = {}): LineApiAnswer => ({
    status,
    body,
    headers: { 'x-line-request-id': requestId, ...extra },
    parsedBody,
  });

  const auth = headerValue(req.headers, 'authorization');
  if (auth === undefined || !/^Bearer\s+\S/i.test(auth)) {
    return answer(401, {
      message:
        "Authorization header required. Must follow the scheme, 'Authorization: Bearer <ACCESS TOKEN>'",
    });
  }
  if (auth.replace(/^Bearer\s+/i, '') !== ctx.channelAccessToken) {
    return answer(401, {
      message: 'Authentication failed. Confirm that the access token in the authorization header is valid.',
    });
  }

  const contentType = headerValue(req.headers, 'content-type') ?? '';
  if (!/^application\/json\b/i.test(contentType)) {
    return answer(415, { message: 'The Content-Type must be application/json' });
  }
  parsedBody = tryJson(text);
  if (parsedBody === undefined) {
    parsedBody = text;
    return answer(400, { message: 'The request body could not be parsed as JSON' });
  }

  const retryKey = headerValue(req.headers, 'x-line-retry-key');
  if (retryKey !== undefined) {
    // LINE takes retry keys on push (and multicast/narrowcast/broadcast) only; our renderer must
    // never send one elsewhere, so the emulator refuses it rather than ignore it.
    if (endpoint !== 'push')
      return answer(400, { message: 'X-Line-Retry-Key is not supported by this endpoint' });
    if (!UUID.test(retryKey)) return answer(400, { message: 'The X-Line-Retry-Key header must be a UUID' });
    const accepted = ctx.state.acceptedRetry(retryKey);
    if (accepted) {
      return answer(
        409,
        { message: 'The retry key is already accepted', sentMessages: accepted.sentMessages },
        { 'x-line-accepted-request-id': accepted.requestId },
      );
    }
  }

  const details = ctx.validators[endpoint](parsedBody);
  if (details.length > 0) return badRequest(answer, details);
  const body = parsedBody as Record<string, unknown>;

  if (endpoint === 'loading') {
    const issues: LineErrorDetail[] = [];
    if (!LINE_USER_ID.test(String(body['chatId']))) {
      issues.push({ property: 'chatId', message: 'The chat ID must be the user ID of a one-on-one chat' });
    }
    const seconds = body['loadingSeconds'];
    if (typeof seconds === 'number' && seconds % LINE_LIMITS.loadingSecondsStep !== 0) {
      issues.push({
        property: 'loadingSeconds',
        message: `Must be a multiple of ${LINE_LIMITS.loadingSecondsStep}`,
      });
    }
    return issues.length > 0 ? badRequest(answer, issues) : answer(202, {});
  }

  if (endpoint === 'push' && !LINE_CHAT_ID.test(String(body['to']))) {
    return answer(400, {
      message: "The property, 'to', in the request body is invalid (line: -, column: -)",
    });
  }
  if (endpoint === 'reply') {
    const token = String(body['replyToken']);
    if (token === '') return badRequest(answer, [{ property: 'replyToken', message: 'May not be empty' }]);
    if (!ctx.state.canReply(token)) return answer(400, { message: 'Invalid reply token' });
    ctx.state.spendReplyToken(token);
  }

  const messages = Array.isArray(body['messages']) ? body['messages'] : [];
  const sentMessages: SentMessage[] = messages.map((m) => {
    const type = (m as Record<string, unknown>)['type'];
    const id = ctx.state.messageId();
    return QUOTABLE.has(String(type)) ? { id, quoteToken: ctx.state.quoteToken() } : { id };
  });
  if (retryKey !== undefined) ctx.state.acceptRetry(retryKey, requestId, sentMessages);
  return answer(200, { sentMessages });
}

function badRequest(
  answer: (status: number, body: unknown) => LineApiAnswer,
  details: LineErrorDetail[],
): LineApiAnswer {
  return answer(400, { message: `The request body has ${details.length} error(s)`, details });
}

function tryJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

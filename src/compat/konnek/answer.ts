/**
 * The success answer, as the document's sample shows it: HTTP 200 with `meta` (`status: true`,
 * `code: 200` a number, as in the sample, though the table says String; `message: "OK"`,
 * `errors: null`) and `data` with the message id, the numeric status and the transaction id.
 */
import type { Answer, MessageData } from './schema.ts';

export const answer = (data: MessageData): Answer => ({
  meta: { status: true, code: 200, message: 'OK', errors: null },
  data,
});

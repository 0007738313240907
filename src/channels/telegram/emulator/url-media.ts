/**
 * The emulator fetches a file given by URL, as Telegram does, and refuses what Telegram refuses
 * of it (../url-media.ts, the rules the gateway checks at accept). The sandbox has no internet:
 * a URL it cannot fetch is judged by its name alone rather than refused, so sends of example
 * URLs keep working.
 */
import { isObj } from '../../../lib/json.ts';
import type { ProbeMedia } from '../../../lib/media-probe.ts';
import { TELEGRAM_FILE_PARAMETERS, telegramUrlMediaProblem } from '../provider/url-media.ts';
import { type TelegramAnswer, telegramError } from './api.ts';

export async function urlMediaRefusal(
  method: string,
  params: unknown,
  probe: ProbeMedia | undefined,
): Promise<TelegramAnswer | undefined> {
  const file = TELEGRAM_FILE_PARAMETERS[method.toLowerCase()];
  if (file === undefined || !isObj(params)) return undefined;
  const url = params[file.field];
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) return undefined;
  const found = probe ? await probe(url) : undefined;
  const problem = telegramUrlMediaProblem(file.kind, url, found?.ok ? found.facts : undefined);
  return problem ? telegramError(400, problem.description) : undefined;
}

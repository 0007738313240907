/**
 * The vendor façades: one Fastify plugin per vendor (a folder each), mounted at the root so that a
 * client of that vendor changes only its base URL. A façade translates the vendor's request into a
 * native send (core/send-message.ts) and the native outcome into the vendor's answer; no business
 * logic lives in a façade.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { CallbackFormatter } from '../core/index.ts';
import type { RefusalDialect } from '../http/problem.ts';
import { refuseUnsafeInput } from '../http/refuse-nul.ts';
import { firstLineDialect } from './firstline/errors.ts';
import { firstLineFacade } from './firstline/index.ts';
import { infobipDialect } from './infobip/errors.ts';
import { INFOBIP_PREFIX, infobipFacade } from './infobip/index.ts';
import { konnekDialect } from './konnek/errors.ts';
import { konnekFacade } from './konnek/index.ts';
import type { CompatDeps } from './types.ts';
import { webexDialect } from './webex/errors.ts';
import { webexFacade } from './webex/index.ts';
import { webexNotification } from './webex/notification.ts';

/** The native API's /v1/compat-credentials, which registers the credentials the façades accept. */
export { compatCredentialRoutes } from './credentials-routes.ts';

/** How each façade words a refusal made before routing; Infobip's `/line/1/` before Konnek's `/line/…`. */

export const FACADE_DIALECTS: readonly RefusalDialect[] = [
  infobipDialect,
  konnekDialect,
  firstLineDialect,
  webexDialect,
];

/**
 * The notification shapes a façade's send may ask for its own callbackUrl, by the name it stores
 * as the message's callback format (webex/translate.ts writes `webex`). The composition root
 * hands them to the store (runtime.ts), which builds the bodies inside its transaction.
 */
export const FACADE_CALLBACK_FORMATS: Readonly<Record<string, CallbackFormatter>> = {
  webex: webexNotification,
};

export async function registerFacades(app: FastifyInstance, deps: CompatDeps): Promise<void> {
  // One scope around the four, for what every façade refuses alike (each answers in its vendor's
  // words through its own error handler).
  const facades: FastifyPluginAsync = async (scope) => {
    scope.addHook('preValidation', refuseUnsafeInput);
    await scope.register(firstLineFacade, deps);
    await scope.register(infobipFacade, { prefix: INFOBIP_PREFIX, ...deps });
    await scope.register(konnekFacade, deps);
    await scope.register(webexFacade, deps);
  };
  await app.register(facades);
}

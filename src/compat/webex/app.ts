/**
 * Webex Connect's `appid` → the channel account to send from. In Webex Connect an app is the asset
 * a channel is configured on (a Messenger page, a WhatsApp number), and the seed says `appid` "is
 * required only for Push, In-App, Messenger, WhatsApp, and Apple Messages for Business": a client
 * sends the id of its app. The tenant gives that id to the Omnigate account that stands for it
 * (`appId` on POST or PATCH /v1/channel-accounts), so the client's requests need no change.
 * Omnigate's own account ids are not app ids, and an absent or empty appid is a missing parameter.
 */
import type { Store } from '../../core/index.ts';
import { refusal } from './answer.ts';
import type { Target } from './translate.ts';

export async function accountOfApp(
  store: Store,
  tenantId: string,
  target: Target,
  appid: string | undefined,
): Promise<string> {
  if (appid === undefined || appid.trim() === '') {
    throw refusal('mandatoryMissing', `appid (required for deliverychannel ${target.deliveryChannel})`);
  }
  const account = await store.channelAccounts.findByAppId(tenantId, target.channel, appid);
  if (account === undefined) {
    throw refusal(
      'invalidParameters',
      `appid: no ${target.deliveryChannel} app '${appid}'; give the ${target.channel} channel account this app id (PATCH /v1/channel-accounts/{id} {"appId": "${appid}"})`,
    );
  }
  return account.id;
}

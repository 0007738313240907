/**
 * A WeChat emulator in a bare Fastify app, with the access-token step the dispatcher performs
 * (stable_token first, then `authorize` with credentials.accessToken), so tests exercise
 * connector and emulator together without a socket.
 */
import type { FastifyInstance } from 'fastify';
import { WECHAT_SANDBOX_USERS } from '../../../src/channels/wechat/emulator/users.ts';
import { wechatConnector, wechatEmulator } from '../../../src/channels/wechat/index.ts';
import type { ProviderRequest, ProviderResponse } from '../../../src/core/vocabulary/channel.ts';
import { emulatorHarness } from '../../support/emulator.ts';

export const PREFIX = '/sandbox/wechat';
export const USER: string = WECHAT_SANDBOX_USERS.follower;
export const harness = emulatorHarness(wechatConnector, wechatEmulator);

/** A fresh well-formed openid, so each test has its own window and quota. */
export function freshOpenid(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  let id = 'o';
  for (let i = 0; i < 27; i++) id += chars[Math.floor(Math.random() * chars.length)];
  return id;
}

export async function fetchToken(app: FastifyInstance): Promise<string> {
  const flow = wechatConnector.accessToken;
  if (flow === undefined) throw new Error('the WeChat connector has no access-token flow');
  const response = await harness.send(app, flow.request(wechatConnector.sandboxCredentials));
  const parsed = flow.parse(response);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.token;
}

/** Sends a rendered request with a freshly fetched token, as the dispatcher does. */
export async function sendWithToken(
  app: FastifyInstance,
  request: ProviderRequest,
  token?: string,
): Promise<ProviderResponse> {
  const accessToken = token ?? (await fetchToken(app));
  return harness.send(app, request, { ...wechatConnector.sandboxCredentials, accessToken });
}

export async function post(app: FastifyInstance, url: string, payload: string) {
  const res = await app.inject({
    method: 'POST',
    url: PREFIX + url,
    payload,
    headers: { 'content-type': 'application/json' },
  });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

export const render = (
  message: Parameters<typeof wechatConnector.render>[0],
  to = USER,
  options?: Record<string, unknown>,
) =>
  wechatConnector.render(message, {
    to,
    retryKey: '00000000-0000-4000-8000-000000000000',
    ...(options ? { options } : {}),
  });

/**
 * /v1/channel-accounts: a tenant's LINE channels, Telegram bots, ... Credentials go in and are
 * stored encrypted; they are never returned.
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { ConnectorRegistry } from '../../core/ports/channel.ts';
import { AppIdTakenError, type ChannelAccount, type Store } from '../../core/ports/store.ts';
import { AppError, validationError } from '../../core/vocabulary/errors.ts';
import { StringEnum } from '../../core/vocabulary/message.ts';
import { issuesFromAjv } from '../../http/problem.ts';
import { newId } from '../../lib/ids.ts';

const Limits = Type.Object(
  {
    ratePerSecond: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100_000 })),
    burst: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    recipientRatePerSecond: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 1_000,
        description: 'Fractions allowed: 0.1667 is one per 6 s.',
      }),
    ),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000 })),
  },
  {
    additionalProperties: false,
    description:
      "This account's own delivery limits, replacing the channel's documented defaults (and OMNIGATE_<CHANNEL>_* settings): " +
      'provider requests per second and their burst, sends per second to one recipient, requests in flight at once.',
  },
);

const AppId = Type.String({
  minLength: 1,
  maxLength: 200,
  description:
    'The id a vendor client names this account by: the `appid` a Webex Connect client sends (its app asset id). ' +
    'Unique per tenant and channel.',
});

const Account = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  name: Type.String(),
  sandbox: Type.Boolean(),
  limits: Type.Optional(Limits),
  appId: Type.Optional(AppId),
  createdAt: Type.String(),
  webhookUrl: Type.String({ description: 'Set this as the webhook URL at the provider.' }),
});

/** An account is of one of the channels the gateway runs. */
const createAccountSchema = (channelNames: string[]) =>
  Type.Object(
    {
      channel: StringEnum(channelNames),
      name: Type.String({ minLength: 1, maxLength: 200 }),
      credentials: Type.Record(Type.String(), Type.String(), {
        description:
          "The provider's credentials; their fields depend on the channel (see each channel's README; WeChat: `appId`, `appSecret`, `token`, and `encodingAesKey` for compatible or safe mode).",
      }),
      limits: Type.Optional(Limits),
      appId: Type.Optional(AppId),
    },
    { additionalProperties: false },
  );
const UpdateAccount = Type.Object(
  {
    limits: Type.Optional(Limits),
    appId: Type.Optional(Type.Union([AppId, Type.Null()], { description: 'null removes it.' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** Another account of the channel has the app id: a 409 naming the field. */
function appIdConflict(error: unknown): never {
  if (!(error instanceof AppIdTakenError)) throw error;
  throw new AppError('GW_CONFLICT', error.message, [
    { pointer: '/appId', rule: 'unique', detail: error.message },
  ]);
}

export const channelAccountRoutes: FastifyPluginAsyncTypebox<{
  store: Store;
  connectors: ConnectorRegistry;
  publicUrl: () => string;
  /** Production mode: the emulators' credentials are public, so an account may not use them. */
  refuseSandboxCredentials?: boolean;
}> = async (app, { store, connectors, publicUrl, refuseSandboxCredentials = false }) => {
  const CreateAccount = createAccountSchema(Object.keys(connectors));
  const present = (a: ChannelAccount) => ({
    id: a.id,
    channel: a.channel,
    name: a.name,
    sandbox: a.sandbox,
    ...(a.limits ? { limits: a.limits } : {}),
    ...(a.appId !== undefined ? { appId: a.appId } : {}),
    createdAt: a.createdAt,
    webhookUrl: `${publicUrl()}/webhooks/${a.channel}/${a.id}`,
  });

  app.post(
    '/channel-accounts',
    {
      schema: {
        summary: 'Add a channel account with its provider credentials',
        tags: ['channel accounts'],
        body: CreateAccount,
        response: { 201: Account, 400: Type.Ref('Problem'), 409: Type.Ref('Problem') },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const connector = connectors[body.channel];
      if (!connector) throw new AppError('GW_CHANNEL_UNKNOWN', `Unknown channel ${body.channel}`);
      const errors = [...Value.Errors(connector.credentialsSchema, body.credentials)];
      if (errors.length > 0) {
        throw validationError(
          issuesFromAjv(
            errors.map((e) => ({
              instancePath: `/credentials${e.path}`,
              keyword: 'credentials',
              message: e.message,
              params: {},
            })),
            'body',
          ),
        );
      }
      if (refuseSandboxCredentials) {
        const sandbox: Record<string, string | undefined> = connector.sandboxCredentials;
        const public_ = Object.keys(body.credentials).filter(
          (field) => sandbox[field] !== undefined && sandbox[field] === body.credentials[field],
        );
        if (public_.length > 0) {
          throw validationError(
            public_.map((field) => ({
              pointer: `/credentials/${field}`,
              rule: 'sandbox_credentials',
              detail: "is the sandbox emulator's public value; production mode takes the provider's own",
            })),
          );
        }
      }
      const account = await store.channelAccounts
        .create(request.tenantId, {
          id: newId('ca'),
          channel: body.channel,
          name: body.name,
          sandbox: false,
          credentials: body.credentials,
          ...(body.limits ? { limits: body.limits } : {}),
          ...(body.appId !== undefined ? { appId: body.appId } : {}),
        })
        .catch(appIdConflict);
      return reply.code(201).send(present(account));
    },
  );

  app.patch(
    '/channel-accounts/:id',
    {
      schema: {
        summary:
          "Change an account's delivery limits (an empty object goes back to the channel's defaults) or its app id",
        tags: ['channel accounts'],
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        body: UpdateAccount,
        response: {
          200: Account,
          400: Type.Ref('Problem'),
          404: Type.Ref('Problem'),
          409: Type.Ref('Problem'),
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { limits, appId } = request.body;
      let account: ChannelAccount | undefined;
      if (appId !== undefined) {
        account = await store.channelAccounts.setAppId(request.tenantId, id, appId).catch(appIdConflict);
      }
      if (limits !== undefined) account = await store.channelAccounts.setLimits(request.tenantId, id, limits);
      if (!account) throw new AppError('GW_NOT_FOUND', `No channel account ${id}`);
      return present(account);
    },
  );

  app.get(
    '/channel-accounts',
    {
      schema: {
        summary: "List the tenant's channel accounts (credentials are never returned)",
        tags: ['channel accounts'],
        response: { 200: Type.Object({ data: Type.Array(Account) }) },
      },
    },
    async (request) => ({ data: (await store.channelAccounts.list(request.tenantId)).map(present) }),
  );
};

import { Type, defineService, problems, reply } from '@agora/chassis';
import { identityApi } from './contract/api.ts';
import { identityEvents } from './contract/events.ts';
import { findUser, issueToken, register } from './handlers/accounts.ts';
import { signingKeys } from './handlers/signing-keys.ts';
import { identityStorage } from './storage/identity-db.ts';
import { seedIdentity } from './storage/seed.ts';

/** Identity: users, credentials (scrypt) and the keys that sign access tokens. */
export const identity = defineService({
  name: 'identity',
  description: 'Users, credentials and token signing keys; issues RS256 access tokens and publishes its JWKS.',
  api: identityApi,
  publishes: identityEvents,
  dependsOn: [],
  config: Type.Object({ TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 86_400, default: 900 }) }),
  storage: identityStorage,
  create: (ctx) => {
    const keys = signingKeys(ctx.db);
    return {
      handlers: {
        register: async ({ body }) => reply.created(await register(ctx, body), { location: '/api/v1/users/me' }),
        issueToken: async ({ body }) => reply.ok(await issueToken(ctx, keys, body)),
        jwks: async () => reply.ok({ keys: (await keys.publicKeys()) as Array<Record<string, unknown>> }),
        me: async ({ principal }) => {
          if (!principal) throw problems.unauthorized('a bearer token is required');
          return reply.ok(await findUser(ctx, principal.sub));
        },
      },
      seed: () => seedIdentity(ctx),
    };
  },
});

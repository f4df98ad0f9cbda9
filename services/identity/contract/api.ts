import { Type, defineApi } from '@agora/chassis';

export const User = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: Type.Union([Type.Literal('customer'), Type.Literal('admin')]),
});

export const Registration = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    password: Type.String({ minLength: 8, maxLength: 128 }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
  },
  { additionalProperties: false },
);

export const Credentials = Type.Object(
  { email: Type.String({ format: 'email', maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);

export const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'seconds' }),
});

export const Jwks = Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.Unknown())) });

/** Tokens are RS256 JWTs with these claims; the gateway verifies them against the JWKS. */
export const TOKEN_ISSUER = 'https://agora.dev/identity';
export const TOKEN_AUDIENCE = 'agora-api';

export const identityApi = defineApi('identity', '1.0.0', {
  register: {
    method: 'POST',
    path: '/api/v1/auth/register',
    access: 'public',
    summary: 'Create a customer account',
    body: Registration,
    response: { 201: User },
    retriable: false,
  },
  issueToken: {
    method: 'POST',
    path: '/api/v1/auth/token',
    access: 'public',
    summary: 'Exchange email and password for a short-lived access token',
    body: Credentials,
    response: { 200: TokenResponse },
  },
  jwks: { method: 'GET', path: '/.well-known/jwks.json', access: 'public', summary: 'Public keys that sign access tokens', response: { 200: Jwks } },
  me: { method: 'GET', path: '/api/v1/users/me', access: 'user', summary: 'The signed-in user', response: { 200: User } },
});

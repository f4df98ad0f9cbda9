import { Type, defineEvent } from '@agora/chassis';

export const userRegistered = defineEvent(
  'identity',
  'user.registered.v1',
  Type.Object({ userId: Type.String(), email: Type.String(), name: Type.String() }),
  'A customer account was created.',
);

export const identityEvents = [userRegistered];

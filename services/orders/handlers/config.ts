import { Type, type Static } from '@agora/chassis';

export const OrdersConfigSchema = Type.Object({
  SAGA_STYLE: Type.Union([Type.Literal('choreography'), Type.Literal('orchestration')], { default: 'choreography' }),
  /** How often the orchestrator looks for saga steps that are due, in milliseconds. */
  SAGA_POLL_MS: Type.Integer({ minimum: 10, maximum: 60_000, default: 100 }),
});

export type OrdersConfig = Static<typeof OrdersConfigSchema>;

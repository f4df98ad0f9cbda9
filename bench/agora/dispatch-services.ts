// Two services on the chassis for the dispatch row: `echo` answers a number, `caller` depends on it
// and hands its context to the benchmark, which calls echo through it exactly as a handler would.
import { Type, defineApi, defineService, defineStorage, reply, type ServiceContext, type ServiceDefinition } from '@agora/chassis';

export const echoApi = defineApi('echo', '1.0.0', {
  echo: {
    method: 'POST',
    path: '/internal/v1/echo',
    access: 'internal',
    summary: 'Answers the number it was given',
    body: Type.Object({ n: Type.Integer() }, { additionalProperties: false }),
    response: { 200: Type.Object({ n: Type.Integer() }) },
  },
});

export const echo = defineService({
  name: 'echo',
  description: 'Answers the number it was given (benchmark).',
  api: echoApi,
  publishes: [],
  dependsOn: [],
  config: Type.Object({}),
  storage: defineStorage({}),
  create: () => ({ handlers: { echo: async ({ body }) => reply.ok({ n: body.n }) } }),
});

/** A service calling echo; `expose` receives its context once the runtime made it. */
export function caller(expose: (context: ServiceContext) => void): ServiceDefinition {
  return defineService({
    name: 'caller',
    description: 'Calls echo (benchmark).',
    api: defineApi('caller', '1.0.0', {}),
    publishes: [],
    dependsOn: [echoApi],
    config: Type.Object({}),
    storage: defineStorage({}),
    create: (context) => {
      expose(context);
      return { handlers: {} };
    },
  });
}

// The split topology's parts, apart from the main entry so the embedded topology never loads the
// NATS, PostgreSQL and HTTP client libraries.
export { connectEventBus, startServiceProcess, type EventsChoice, type ServiceProcess, type SplitOptions, type StartupStep } from './service/split.ts';
export { ServiceRegistry, type Instance } from './discovery/registry.ts';
export { DiscoveredDirectory } from './discovery/discovered-directory.ts';
export { HttpTransport } from './calls/http-transport.ts';
export { SignedTransport, type ServiceSigning } from './calls/signed-transport.ts';
export { ServiceTokens, SERVICE_TOKEN_HEADER, generateServiceTokenKey, parseServiceTokenKey } from './auth/service-tokens.ts';
export { NatsEventBus } from './events/nats-bus.ts';
export { RabbitEventBus, type RabbitBusOptions } from './events/rabbit-bus.ts';

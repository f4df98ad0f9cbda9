export { freePort, isListening } from './ports.ts';
export { MissingServerError, findProgram, type ServerHandle } from './server-process.ts';
export { startPostgres, type LocalPostgres } from './postgres.ts';
export { startMariaDb, type LocalMariaDb } from './mariadb.ts';
export { startNats, type LocalNats } from './nats.ts';
export { startRedis, type LocalRedis } from './redis.ts';
export { startRabbitMq, type LocalRabbitMq } from './rabbitmq.ts';
export { stopServersIn } from './server-process.ts';

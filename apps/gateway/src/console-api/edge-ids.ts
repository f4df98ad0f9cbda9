/**
 * Node and edge ids shared by the topology and the live ticks: the console joins a tick's counts
 * to the graph's edges by id alone.
 */
export const GATEWAY = 'gateway';
export const BUS = 'bus';

export const databaseNode = (service: string): string => `db:${service}`;

/** A synchronous call from one node to another (gateway → service, service → service). */
export const callEdge = (from: string, to: string): string => `call:${from}->${to}`;

/** One event type on one leg: producer → bus, or bus → consumer. */
export const eventEdge = (from: string, to: string, type: string): string => `event:${from}->${to}:${type}`;

export const storageEdge = (service: string): string => `storage:${service}->${databaseNode(service)}`;

/**
 * What every NATS connection of the chassis shares. It reconnects for ever: a broker restart is an
 * outage to ride out, not a reason for a service to stop.
 *
 * `noAsyncTraces`: by default the client builds an Error for every request before sending it (a
 * JetStream publish, a confirmed ack and a key-value write are all requests), only so that a later
 * timeout can name where the request began. In a profile of split checkouts, building those errors
 * was 1–2.5 % of each service's CPU. A failed request still says what failed.
 */
export const NATS_CLIENT_OPTIONS = { maxReconnectAttempts: -1, noAsyncTraces: true } as const;

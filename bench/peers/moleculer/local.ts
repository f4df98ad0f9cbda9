// Moleculer for the dispatch row: one broker, no transporter, an `echo` service with validated params.
import { ServiceBroker } from 'moleculer';

export async function localBroker(): Promise<{ call(n: number): Promise<{ n: number }>; stop(): Promise<void> }> {
  const broker = new ServiceBroker({ logger: false });
  broker.createService({
    name: 'echo',
    actions: {
      echo: {
        params: { n: { type: 'number', integer: true }, $$strict: true },
        handler: (ctx) => ({ n: (ctx.params as { n: number }).n }),
      },
    },
  });
  await broker.start();
  return { call: (n) => broker.call('echo.echo', { n }), stop: () => broker.stop() };
}

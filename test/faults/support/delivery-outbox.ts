// The chassis's own outbox writer: the row is written exactly as a service's transaction writes it.
import { appendToOutbox, envelopeFor } from '../../../packages/chassis/src/events/outbox.ts';
import type { DeliveryProbe } from './delivery-probe.ts';

/**
 * Opens a transaction in the source that writes one event to the outbox, taking its sequence number
 * now, and stays open until `commit()`: a slow transaction that commits after later ones did.
 */
export async function holdOutboxRow(probe: DeliveryProbe, subject: string, n: number): Promise<{ commit(): Promise<void> }> {
  let written!: () => void;
  let release!: () => void;
  const rowWritten = new Promise<void>((resolve) => (written = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const transaction = probe.sourceContext().transaction(async (tx) => {
    await appendToOutbox(tx.db, [envelopeFor(probe.source.name, probe.event, subject, { n })]);
    written();
    await released;
  });
  // A transaction that failed before writing the row must not leave the caller waiting.
  await Promise.race([rowWritten, transaction]);
  return {
    async commit() {
      release();
      await transaction;
    },
  };
}

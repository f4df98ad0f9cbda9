import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitingByService } from './waiting.ts';

describe('events waiting per service', () => {
  it("sums each service's consumers, leaving out what belongs to no service it was given", async () => {
    const bus = {
      backlog: async () => [
        { consumer: 'shipping.join-order-created', waiting: 2 },
        { consumer: 'shipping.join-payment-captured', waiting: 3 },
        { consumer: 'inventory.reserve-stock', waiting: 0 },
        // The gateway's own cache consumer, and a name that is not `<service>.<consumer>`.
        { consumer: 'gateway.catalog-cache', waiting: 7 },
        { consumer: 'shipping', waiting: 9 },
      ],
    };
    assert.deepEqual(await waitingByService(bus, ['shipping', 'inventory', 'catalog']), { shipping: 5, inventory: 0 });
  });
});

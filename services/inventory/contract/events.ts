import { Type, defineEvent } from '@agora/chassis';
import { SagaStyle } from '@agora/orders/contract/shared';

const Line = Type.Object({ productId: Type.String(), quantity: Type.Integer() });

export const inventoryReserved = defineEvent(
  'inventory',
  'inventory.reserved.v1',
  Type.Object({ orderId: Type.String(), items: Type.Array(Line), saga: SagaStyle }),
  'Every item of the order is held for it.',
);

export const inventoryRejected = defineEvent(
  'inventory',
  'inventory.rejected.v1',
  Type.Object({ orderId: Type.String(), reason: Type.String(), saga: SagaStyle }),
  'The order cannot be served from stock; nothing was reserved.',
);

export const inventoryReleased = defineEvent(
  'inventory',
  'inventory.released.v1',
  Type.Object({ orderId: Type.String(), items: Type.Array(Line), saga: SagaStyle }),
  "An order's reservation was given back (compensation).",
);

export const inventoryEvents = [inventoryReserved, inventoryRejected, inventoryReleased];

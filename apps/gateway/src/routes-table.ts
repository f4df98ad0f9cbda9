import type { ApiContract } from '@agora/chassis';
import { catalogApi } from '@agora/catalog/contract/api';
import { identityApi } from '@agora/identity/contract/api';
import { inventoryApi } from '@agora/inventory/contract/api';
import { ordersApi } from '@agora/orders/contract/api';
import { paymentsApi } from '@agora/payments/contract/api';
import { shippingApi } from '@agora/shipping/contract/api';

/** Every contract the gateway routes to. Its public routes are exposed; internal ones never are. */
export const publicContracts: ApiContract[] = [identityApi, catalogApi, ordersApi, inventoryApi, paymentsApi, shippingApi];

export { identityApi };

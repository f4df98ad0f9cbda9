import { problems, type Principal, type ServiceContext } from '@agora/chassis';
import type { ShipmentRow, ShippingDb } from '../storage/shipping-db.ts';

/** The owner's or an admin's view of a shipment; anyone else gets the same 404 as for a missing one. */
export async function getShipment(ctx: ServiceContext<ShippingDb>, orderId: string, principal: Principal): Promise<ShipmentRow> {
  const row = await ctx.db.selectFrom('shipments').selectAll().where('order_id', '=', orderId).executeTakeFirst();
  if (!row || (row.user_id !== principal.sub && principal.role !== 'admin')) throw problems.notFound(`order ${orderId} has no shipment`);
  return row;
}

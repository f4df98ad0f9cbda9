import { Type, defineApi } from '@agora/chassis';
import { ProductId } from '@agora/catalog/contract/api';
import { OrderLine, ShippingAddress } from './shared.ts';

export const OrderStatus = Type.Union([Type.Literal('PENDING'), Type.Literal('CONFIRMED'), Type.Literal('SHIPPED'), Type.Literal('CANCELLED')]);

/** What a cart holds: the items of an order, or of a quote for one. */
export const CartItems = Type.Array(
  Type.Object({ productId: ProductId, quantity: Type.Integer({ minimum: 1, maximum: 100 }) }, { additionalProperties: false }),
  { minItems: 1, maxItems: 50 },
);

export const Checkout = Type.Object(
  {
    items: CartItems,
    payment: Type.Object({ cardToken: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
    shippingAddress: ShippingAddress,
  },
  { additionalProperties: false },
);

export const Accepted = Type.Object({ id: Type.String(), status: OrderStatus });

export const QuoteRequest = Type.Object({ items: CartItems }, { additionalProperties: false });

/** A cart priced as placing it would be: one line per item, in the shop's currency. */
export const Quote = Type.Object({
  items: Type.Array(
    Type.Object({ productId: Type.String(), name: Type.String(), quantity: Type.Integer(), unitPriceCents: Type.Integer(), lineTotalCents: Type.Integer() }),
  ),
  totalCents: Type.Integer(),
  currency: Type.String(),
});

const HistoryEntry = Type.Object({ status: OrderStatus, reason: Type.Union([Type.String(), Type.Null()]), at: Type.String() });

export const Order = Type.Object({
  id: Type.String(),
  status: OrderStatus,
  reason: Type.Union([Type.String(), Type.Null()]),
  items: Type.Array(OrderLine),
  totalCents: Type.Integer(),
  currency: Type.String(),
  shippingAddress: ShippingAddress,
  saga: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  history: Type.Array(HistoryEntry),
});

export const OrderPage = Type.Object({
  items: Type.Array(Type.Object({ id: Type.String(), status: OrderStatus, totalCents: Type.Integer(), currency: Type.String(), createdAt: Type.String() })),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

/** The CQRS read model: one document per order, kept up to date from every service's events. */
export const OrderDetails = Type.Object({
  id: Type.String(),
  status: OrderStatus,
  reason: Type.Union([Type.String(), Type.Null()]),
  totalCents: Type.Integer(),
  currency: Type.String(),
  items: Type.Array(Type.Object({ productId: Type.String(), productName: Type.String(), quantity: Type.Integer(), unitPriceCents: Type.Integer() })),
  stock: Type.Union([Type.Literal('pending'), Type.Literal('reserved'), Type.Literal('rejected'), Type.Literal('released')]),
  payment: Type.Union([
    Type.Object({ status: Type.Union([Type.Literal('captured'), Type.Literal('declined'), Type.Literal('refunded')]), amountCents: Type.Integer(), refundedCents: Type.Integer(), reason: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  shipment: Type.Union([Type.Object({ id: Type.String(), carrier: Type.String(), trackingNumber: Type.String() }), Type.Null()]),
  history: Type.Array(HistoryEntry),
  updatedAt: Type.String(),
});

/** Orders of every user, for operators. */
export const AdminOrderPage = Type.Object({
  items: Type.Array(Type.Object({ id: Type.String(), status: OrderStatus, totalCents: Type.Integer(), currency: Type.String(), createdAt: Type.String(), userId: Type.String() })),
});

const OrderId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const ordersApi = defineApi('orders', '1.0.0', {
  placeOrder: {
    method: 'POST',
    path: '/api/v1/orders',
    access: 'user',
    summary: 'Place an order; the checkout saga runs asynchronously (202 + Location)',
    body: Checkout,
    response: { 202: Accepted },
    idempotencyKey: 'required',
    retriable: false,
  },
  quoteOrder: {
    method: 'POST',
    path: '/api/v1/orders/quote',
    access: 'user',
    summary: 'Price a cart at current catalog prices, as placing it would; stores and reserves nothing',
    body: QuoteRequest,
    response: { 200: Quote },
  },
  listOrders: {
    method: 'GET',
    path: '/api/v1/orders',
    access: 'user',
    summary: "The caller's orders, newest first",
    querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })), cursor: Type.Optional(Type.String({ maxLength: 200 })) }),
    response: { 200: OrderPage },
  },
  getOrder: { method: 'GET', path: '/api/v1/orders/:id', access: 'user', summary: 'One order with its status history', params: OrderId, response: { 200: Order } },
  cancelOrder: {
    method: 'POST',
    path: '/api/v1/orders/:id/cancel',
    access: 'user',
    summary: 'Cancel a pending order (stock is released and payment refunded)',
    params: OrderId,
    response: { 200: Order },
  },
  orderDetails: {
    method: 'GET',
    path: '/api/v1/orders/:id/details',
    access: 'user',
    summary: 'Order, product names, payment and shipment in one response (read model)',
    params: OrderId,
    response: { 200: OrderDetails },
  },
  listAllOrders: {
    method: 'GET',
    path: '/api/v1/admin/orders',
    access: 'admin',
    summary: 'The newest orders of every user, for operators',
    querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })) }),
    response: { 200: AdminOrderPage },
  },
});

import { useEffect, useMemo, useState } from 'react';
import type { AdminApi } from '../api/admin.ts';
import { errorText, onUnauthorized } from '../api/client.ts';
import type { LiveState } from '../api/live.ts';
import { SHOP_SESSION, useStoredSession } from '../api/session.ts';
import type { Product, ShippingAddress } from '../api/types.ts';
import { liveView } from '../graph/live-view.ts';
import { TopologyGraph } from '../graph/TopologyGraph.tsx';
import { sagaFocus } from '../sagas/focus.ts';
import { useSaga } from '../sagas/useSaga.ts';
import { SignInForm } from '../signin/SignInForm.tsx';
import { useTopology } from '../system/useSystem.ts';
import { ErrorNote } from '../ui/Notes.tsx';
import { Cart, type CartLine } from './Cart.tsx';
import { placeOrder, type CheckoutRequest } from './checkout.ts';
import { OrderFollow } from './OrderFollow.tsx';
import { ProductList } from './ProductList.tsx';
import { useOrder } from './useOrder.ts';

const SOLD_OUT = 'p-soldout';

export interface ShopViewProps {
  admin: AdminApi;
  live: LiveState;
  onOpenTrace: (traceId: string) => void;
}

/**
 * A small storefront with its own customer sign-in: browse, fill a cart, check out, and follow the
 * order's saga on the timeline and on the graph.
 */
export function ShopView({ admin, live, onOpenTrace }: ShopViewProps) {
  const [session, setSession] = useStoredSession(SHOP_SESSION);
  const [lines, setLines] = useState<CartLine[]>([]);
  const [listed, setListed] = useState<Product[]>([]);
  const [address, setAddress] = useState<ShippingAddress>({ name: 'Alice Example', line1: '1 Market Street', city: 'Springfield', postalCode: '12345', country: 'US' });
  const [orderId, setOrderId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const order = useOrder(session?.token ?? '', session ? orderId : null);
  const saga = useSaga(admin, orderId);
  const topology = useTopology(admin);
  const view = useMemo(() => (topology.data ? liveView(topology.data, live.ticks, undefined) : undefined), [topology.data, live.ticks]);
  const focus = useMemo(() => (orderId ? sagaFocus(saga.data) : null), [orderId, saga.data]);

  // An expired customer token signs the customer out of the shop (the operator stays signed in).
  const token = session?.token;
  useEffect(
    () =>
      onUnauthorized((rejected) => {
        if (rejected === token) setSession(null);
      }),
    [token, setSession],
  );

  const add = (product: Product) => {
    setLines((current) => {
      const line = current.find((item) => item.product.id === product.id);
      return line ? current.map((item) => (item === line ? { ...item, quantity: item.quantity + 1 } : item)) : [...current, { product, quantity: 1 }];
    });
  };
  const setQuantity = (productId: string, quantity: number) =>
    setLines((current) => (quantity <= 0 ? current.filter((line) => line.product.id !== productId) : current.map((line) => (line.product.id === productId ? { ...line, quantity } : line))));

  const checkout = async (request: Omit<CheckoutRequest, 'shippingAddress'>, emptyCart: boolean) => {
    if (!session) return;
    setBusy(true);
    setError(undefined);
    try {
      const accepted = await placeOrder(session.token, { ...request, shippingAddress: address });
      setOrderId(accepted.id);
      if (emptyCart) setLines([]);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  const cartItems = lines.map((line) => ({ productId: line.product.id, quantity: line.quantity }));
  const anyItem = listed.find((product) => product.id !== SOLD_OUT);

  if (!session) {
    return (
      <section className="card shop-signin" aria-labelledby="shop-signin-title">
        <h2 id="shop-signin-title">Shop sign-in</h2>
        <p className="muted">The storefront uses its own customer account. The demo customer is filled in.</p>
        <SignInForm email="alice@example.com" password="alice-password" testId="shop-signin" submitLabel="Sign in to the shop" onSignedIn={setSession} />
      </section>
    );
  }

  return (
    <div className="shop-view">
      <div className="shop-store">
        <section className="card" aria-labelledby="shop-products-title">
          <header className="panel-header">
            <h2 id="shop-products-title">Products</h2>
            <span className="muted small">
              {session.user.email}{' '}
              <button type="button" className="link-button" onClick={() => setSession(null)} data-testid="shop-signout">
                sign out
              </button>
            </span>
          </header>
          <ProductList onAdd={add} onLoaded={setListed} />
        </section>
        <section className="card" aria-labelledby="shop-cart-title">
          <h2 id="shop-cart-title">
            Cart{' '}
            <span className="muted small" data-testid="shop-cart-count">
              {lines.reduce((sum, line) => sum + line.quantity, 0)} items
            </span>
          </h2>
          <Cart
            lines={lines}
            address={address}
            busy={busy}
            onQuantity={setQuantity}
            onAddress={setAddress}
            onCheckout={() => void checkout({ items: cartItems, cardToken: 'tok_visa' }, true)}
            onDeclined={() => void checkout({ items: cartItems.length > 0 ? cartItems : anyItem ? [{ productId: anyItem.id, quantity: 1 }] : [], cardToken: 'tok_declined' }, cartItems.length > 0)}
            onSoldOut={() => void checkout({ items: [{ productId: SOLD_OUT, quantity: 1 }], cardToken: 'tok_visa' }, false)}
          />
          {error && <ErrorNote>{error}</ErrorNote>}
        </section>
      </div>
      <section className="shop-graph" aria-label="The order on the system graph">
        {topology.data && view ? (
          <TopologyGraph topology={topology.data} view={view} selected={null} faults={EMPTY_FAULTS} fallbacks={EMPTY} focus={focus} onSelect={noop} label="System graph with the followed order's services highlighted" />
        ) : (
          <div className="graph graph-placeholder">{topology.error ?? 'Loading the topology…'}</div>
        )}
      </section>
      <section className="card shop-follow" aria-labelledby="shop-follow-title">
        <h2 id="shop-follow-title">Your order</h2>
        {orderId ? <OrderFollow order={order} saga={saga} onOpenTrace={onOpenTrace} /> : <p className="muted">Check out to follow the order's saga here and on the graph.</p>}
      </section>
    </div>
  );
}

const EMPTY_FAULTS = new Map();
const EMPTY = {};
const noop = () => undefined;

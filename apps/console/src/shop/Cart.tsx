import { useId } from 'react';
import type { Product, ShippingAddress } from '../api/types.ts';
import { formatMoney } from '../ui/format.ts';

export interface CartLine {
  product: Product;
  quantity: number;
}

export interface CartProps {
  lines: CartLine[];
  address: ShippingAddress;
  busy: boolean;
  onQuantity: (productId: string, quantity: number) => void;
  onAddress: (address: ShippingAddress) => void;
  onCheckout: () => void;
  onDeclined: () => void;
  onSoldOut: () => void;
}

const ADDRESS_FIELDS: Array<[keyof ShippingAddress, string]> = [
  ['name', 'Name'],
  ['line1', 'Street'],
  ['city', 'City'],
  ['postalCode', 'Postal code'],
  ['country', 'Country (ISO code)'],
];

/** The cart, the shipping address, and three ways to check out: a good card, a declined card, a sold-out item. */
export function Cart({ lines, address, busy, onQuantity, onAddress, onCheckout, onDeclined, onSoldOut }: CartProps) {
  const id = useId();
  const currency = lines[0]?.product.currency;
  const total = lines.reduce((sum, line) => sum + line.product.priceCents * line.quantity, 0);
  return (
    <div className="cart" data-testid="shop-cart">
      {lines.length === 0 ? (
        <p className="muted">The cart is empty.</p>
      ) : (
        <ul className="cart-lines">
          {lines.map((line) => (
            <li key={line.product.id} data-testid={`shop-cart-line-${line.product.id}`}>
              <span className="cart-name">{line.product.name}</span>
              <span className="quantity">
                <button type="button" className="icon-button" onClick={() => onQuantity(line.product.id, line.quantity - 1)} aria-label={`One ${line.product.name} less`}>
                  −
                </button>
                <span aria-label="quantity">{line.quantity}</span>
                <button type="button" className="icon-button" onClick={() => onQuantity(line.product.id, line.quantity + 1)} aria-label={`One ${line.product.name} more`}>
                  +
                </button>
              </span>
              <span className="number">{formatMoney(line.product.priceCents * line.quantity, line.product.currency)}</span>
            </li>
          ))}
        </ul>
      )}
      {currency && (
        <p className="cart-total">
          Total <span data-testid="shop-cart-total">{formatMoney(total, currency)}</span>
        </p>
      )}
      <details className="address">
        <summary>Shipping address</summary>
        <div className="address-fields">
          {ADDRESS_FIELDS.map(([field, label]) => (
            <div key={field} className="field">
              <label htmlFor={`${id}-${field}`}>{label}</label>
              <input id={`${id}-${field}`} value={address[field] ?? ''} onChange={(event) => onAddress({ ...address, [field]: event.target.value })} />
            </div>
          ))}
        </div>
      </details>
      <div className="button-row">
        <button type="button" className="primary" disabled={busy || lines.length === 0} onClick={onCheckout} data-testid="shop-checkout">
          Check out (tok_visa)
        </button>
      </div>
      <div className="button-row">
        <button type="button" disabled={busy} onClick={onDeclined} data-testid="shop-checkout-declined" title="Places the cart (or one item) paid with tok_declined">
          Order with a declined card
        </button>
        <button type="button" disabled={busy} onClick={onSoldOut} data-testid="shop-checkout-soldout" title="Orders p-soldout, which is never in stock">
          Order the sold-out item
        </button>
      </div>
    </div>
  );
}

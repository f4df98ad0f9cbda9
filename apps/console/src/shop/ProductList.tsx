import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { Product, ProductPage } from '../api/types.ts';
import { usePoll } from '../api/usePoll.ts';
import { ErrorNote } from '../ui/Notes.tsx';
import { formatMoney } from '../ui/format.ts';

/** The catalogue, a page at a time, each product with an add-to-cart button. */
export function ProductList({ onAdd, onLoaded }: { onAdd: (product: Product) => void; onLoaded: (products: Product[]) => void }) {
  const [cursors, setCursors] = useState<string[]>(['']);
  const cursor = cursors.at(-1) ?? '';
  const page = usePoll(
    `products:${cursor}`,
    useCallback((signal: AbortSignal) => api<ProductPage>(`/api/v1/products?limit=12${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { signal }), [cursor]),
    0,
  );
  const items = page.data?.items;
  useEffect(() => {
    if (items) onLoaded(items);
  }, [items, onLoaded]);

  return (
    <div data-testid="shop-products">
      {page.error && <ErrorNote>{page.error}</ErrorNote>}
      <ul className="product-list">
        {(page.data?.items ?? []).map((product) => (
          <li key={product.id} className="product" data-testid={`shop-product-${product.id}`}>
            <span className="product-name">
              {product.name} <span className="muted small mono">{product.id}</span>
            </span>
            <span className="product-price">{formatMoney(product.priceCents, product.currency)}</span>
            <button type="button" onClick={() => onAdd(product)} data-testid={`shop-add-${product.id}`} aria-label={`Add ${product.name} to the cart`}>
              Add
            </button>
          </li>
        ))}
      </ul>
      <div className="button-row">
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors((list) => list.slice(0, -1))}>
          Previous
        </button>
        <button type="button" disabled={!page.data?.nextCursor} onClick={() => setCursors((list) => [...list, page.data?.nextCursor ?? ''])} data-testid="shop-products-next">
          Next
        </button>
      </div>
    </div>
  );
}

import { defineStorage, type Selectable } from '@agora/chassis';
import { createProducts } from './migrations/001-products.ts';

export interface ProductsTable {
  id: string;
  sku: string;
  name: string;
  description: string;
  category: string;
  price_cents: number;
  currency: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface CatalogDb {
  products: ProductsTable;
}

export type ProductRow = Selectable<ProductsTable>;

export const catalogStorage = defineStorage<CatalogDb>({ '001-products': createProducts });

export function toV1(row: ProductRow) {
  return { id: row.id, sku: row.sku, name: row.name, priceCents: Number(row.price_cents), currency: row.currency };
}

export function toV2(row: ProductRow) {
  return { ...toV1(row), description: row.description, category: row.category, version: Number(row.version), updatedAt: row.updated_at };
}

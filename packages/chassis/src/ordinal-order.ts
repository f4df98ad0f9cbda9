/**
 * Orders strings by their UTF-16 code units, as `Array.prototype.sort` does by default: the same
 * order on every machine whatever its locale, which names, URLs and migration ids need.
 * (`localeCompare` orders by the process' locale, through ICU's collation.)
 */
export function ordinalOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

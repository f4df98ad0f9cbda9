// The cart and lookup rules as Moleculer action params (fastest-validator), checked where each action runs.
import { rules } from '../shared/products.ts';

const productId = { type: 'string', min: rules.productId.minLength, max: rules.productId.maxLength, pattern: new RegExp(rules.productId.pattern) };

export const cartParams = {
  items: {
    type: 'array',
    min: rules.items.minItems,
    max: rules.items.maxItems,
    items: { type: 'object', strict: true, props: { productId, quantity: { type: 'number', integer: true, min: rules.quantity.minimum, max: rules.quantity.maximum } } },
  },
  $$strict: true,
};

export const lookupParams = {
  ids: { type: 'array', min: rules.ids.minItems, max: rules.ids.maxItems, items: productId },
  $$strict: true,
};

import { join } from 'node:path';

/** The checkout this command runs from: what the supervisor's processes run, where relative paths start. */
export const CHECKOUT = join(import.meta.dirname, '..', '..', '..');

import { createHash } from 'node:crypto';

/** The data version of stored bytes: the first 16 hex digits of their SHA-256. */
export function dataVersionOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

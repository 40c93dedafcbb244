import { InvalidDefinitionError } from '../errors';

const SEGMENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Normalizes an asset key given as a path (`'sales/orders'`) or as segments, with an optional
 * prefix, to its path form. Segments are identifiers (letters, digits, `_`, `-`), so a `/` in a
 * key always separates segments and `.` never appears (Stratum uses `.` for op-node step keys).
 */
export function normalizeAssetKey(key: string | readonly string[], prefix?: string | readonly string[]): string {
  const segments = [
    ...(prefix === undefined ? [] : typeof prefix === 'string' ? prefix.split('/') : prefix),
    ...(typeof key === 'string' ? key.split('/') : key),
  ].filter((s) => s.length > 0);
  const bad = segments.filter((s) => !SEGMENT.test(s));
  if (segments.length === 0 || bad.length > 0) {
    throw new InvalidDefinitionError(
      `Invalid asset key ${JSON.stringify(key)}${bad.length ? ` (bad segment${bad.length > 1 ? 's' : ''} ${bad.map((b) => JSON.stringify(b)).join(', ')})` : ''}. Use segments of letters, digits, '_' and '-', joined by '/', e.g. 'sales/orders'.`,
    );
  }
  return segments.join('/');
}

/** Validates an op, job, graph or multi-asset name (an identifier). */
export function validateName(name: string, what: string): string {
  if (!SEGMENT.test(name)) {
    throw new InvalidDefinitionError(`Invalid ${what} name ${JSON.stringify(name)}. Use letters, digits, '_' and '-', starting with a letter or '_'.`);
  }
  return name;
}

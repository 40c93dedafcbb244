/**
 * Keys as a short list for messages: `us, eu, ap` or, past `max`, the first ones and a count:
 * `k1, k2, …, k10 and 90 more`.
 */
export function listKeys(keys: readonly string[], max = 10): string {
  if (keys.length === 0) return '(none)';
  if (keys.length <= max) return keys.join(', ');
  return `${keys.slice(0, max).join(', ')}, … and ${keys.length - max} more`;
}

/** Characters a static or dynamic partition key may not contain: `|` joins dimensions, `...` writes ranges. */
const FORBIDDEN = ['|', ',', '[', ']', '...'];

/**
 * What is wrong with a static or dynamic partition key, or null when it is fine: it must be a
 * non-empty string of valid Unicode (no lone surrogate) without control characters, surrounding
 * spaces, `|`, `,`, `[`, `]` or `...` (Dagster's rules, plus Stratum's range separator). Every
 * key these rules accept can be stored: IO managers get a distinct location per key (`.`, `..`,
 * `a/b`, `%2e` included).
 */
export function partitionKeyProblem(key: unknown): string | null {
  if (typeof key !== 'string') return `a partition key must be a string, got ${typeof key}`;
  if (key.length === 0) return 'a partition key cannot be empty';
  if (key.trim() !== key) return `"${key}" has leading or trailing spaces`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) return `"${key}" has control characters`;
  // A lone surrogate is not text: it has no UTF-8 form, so no file name or URL can hold it.
  if (/\p{Cs}/u.test(key)) return `${JSON.stringify(key)} is not valid Unicode text (it has a lone surrogate, half of a character)`;
  const bad = FORBIDDEN.filter((c) => key.includes(c));
  if (bad.length > 0) return `"${key}" contains ${bad.map((c) => `"${c}"`).join(', ')} (not allowed: "|" joins the dimensions of multi-partition keys, "..." writes ranges, "," "[" "]" are reserved)`;
  return null;
}

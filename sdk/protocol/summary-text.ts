/**
 * Short texts for the Temporal UI (summaries of workflows and activities). Pure: workflow code
 * imports this file.
 */

/**
 * Names joined with `, ` to at most `maxLength` characters: as many as fit, then `+N more`
 * (`sales/orders, sales/revenue +3 more`). At least the first name is given, cut with `…` when
 * it alone is too long.
 *
 * @example
 * fitNameList(['a/x', 'a/y', 'a/z'], 12); // 'a/x +2 more'
 */
export function fitNameList(names: readonly string[], maxLength = 100): string {
  if (names.length === 0) return '';
  const all = names.join(', ');
  if (all.length <= maxLength) return all;
  let shown = '';
  let count = 0;
  for (let i = 0; i < names.length; i++) {
    const rest = names.length - i - 1;
    const candidate = shown ? `${shown}, ${names[i]}` : names[i]!;
    const suffix = rest > 0 ? ` +${rest} more` : '';
    if (`${candidate}${suffix}`.length > maxLength) break;
    shown = candidate;
    count = i + 1;
  }
  if (!shown) {
    const more = names.length > 1 ? ` +${names.length - 1} more` : '';
    const room = Math.max(1, maxLength - more.length - 1);
    return `${names[0]!.slice(0, room)}…${more}`;
  }
  return count < names.length ? `${shown} +${names.length - count} more` : shown;
}

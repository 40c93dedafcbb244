import type { BackfillPartitions } from '../protocol/backfill';
import { InvalidRunRequestError } from '../errors';
import type { PartitionContext, PartitionsDefinition, TimeWindow } from '../partitions';

/**
 * The partition keys of one partitions definition that a backfill covers, in the definition's
 * order. The request is read in each asset's own terms: `--all` is every partition of each
 * definition; a key or range end that is a partition of this definition is taken as it is; for a
 * time-window definition whose keys the request does not name (a weekly asset in a backfill
 * given in days), the partitions whose windows overlap the requested time span (the weeks
 * overlapping `--from` to `--to`). Every key must be a partition of at least one of the
 * backfill's definitions.
 *
 * @throws PartitionKeyError / InvalidRunRequestError for keys no definition has, or a reversed range.
 */
export function backfillKeysFor(def: PartitionsDefinition, all: readonly PartitionsDefinition[], selection: BackfillPartitions, ctx: PartitionContext): string[] {
  if ('all' in selection) return def.keys(ctx);
  if ('keys' in selection) {
    if (selection.keys.length === 0) throw new InvalidRunRequestError('The backfill names no partitions; pass --partitions k1,k2, --from A --to B, or --all.');
    const own = selection.keys.filter((k) => def.hasKey(k, ctx));
    if (own.length === selection.keys.length || def.kind !== 'time-window') {
      const foreign = selection.keys.filter((k) => !def.hasKey(k, ctx));
      for (const key of foreign) if (!all.some((d) => d.hasKey(key, ctx))) def.validateKey(key, ctx);
      const wanted = new Set(own);
      return def.keys(ctx).filter((k) => wanted.has(k));
    }
    const windows = selection.keys.map((k) => windowOf(k, k, all, ctx));
    const keys = new Set<string>();
    for (const w of windows) for (const k of overlapping(def, w, ctx)) keys.add(k);
    return def.keys(ctx).filter((k) => keys.has(k));
  }
  if (def.hasKey(selection.from, ctx) && def.hasKey(selection.to, ctx)) return def.keysInRange(selection.from, selection.to, ctx);
  if (def.kind !== 'time-window') return def.keysInRange(selection.from, selection.to, ctx);
  return overlapping(def, windowOf(selection.from, selection.to, all, ctx), ctx);
}

/** The time span from the start of `from` to the end of `to`, each read in a time-window definition that has it. */
function windowOf(from: string, to: string, all: readonly PartitionsDefinition[], ctx: PartitionContext): TimeWindow {
  const timed = all.filter((d) => d.kind === 'time-window');
  const start = timed.find((d) => d.hasKey(from, ctx));
  const end = timed.find((d) => d.hasKey(to, ctx));
  if (!start) (timed[0] ?? all[0]!).validateKey(from, ctx);
  if (!end) (timed[0] ?? all[0]!).validateKey(to, ctx);
  const window = { start: start!.timeWindowForKey(from).start, end: end!.timeWindowForKey(to).end };
  if (window.start >= window.end) {
    throw new InvalidRunRequestError(`The range ${from}...${to} runs backwards: ${from} comes after ${to}. Swap the ends: --from ${to} --to ${from}.`);
  }
  return window;
}

/** Keys of a time-window definition whose windows overlap `window`, that exist at `ctx.now`. */
function overlapping(def: PartitionsDefinition, window: TimeWindow, ctx: PartitionContext): string[] {
  if (def.kind !== 'time-window') return [];
  const keys: string[] = [];
  const firstKey = def.keyForTime(window.start) ?? (window.start.getTime() < def.start.getTime() ? def.firstKey() : null);
  if (firstKey === null) return keys;
  for (let i = Math.max(0, def.keyIndex(firstKey)); ; i++) {
    const w = def.windowAt(i);
    if (w.start >= window.end) break;
    const key = def.keyAt(i);
    if (!def.hasKey(key, ctx)) break;
    if (w.end > window.start) keys.push(key);
  }
  return keys;
}

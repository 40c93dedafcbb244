import { DateTime } from 'luxon';
import { type Cadence, createCadence } from '../keys/cadence';
import { type CronExpression, type CronShape, cronShape, parseCron } from '../keys/cron-expression';
import { KeyFormat } from '../keys/key-format';
import { PartitionKeyError, type PartitionKeyProblem } from '../keys/partition-key-error';
import type { PartitionKeyRange } from '../keys/partition-key-range';
import type { PartitionContext, PartitionsDefinitionBase } from './partitions-definition';
import { PartitionsDefinitionError } from './partitions-definition-error';
import { ZoneClock } from '../keys/zone-clock';

/** A half-open interval of time `[start, end)`: the span one partition (or a range) covers. */
export interface TimeWindow {
  readonly start: Date;
  readonly end: Date;
}

/** The JSON form of a {@link TimeWindowPartitionsDefinition}. */
export interface TimeWindowPartitionsSpec {
  readonly kind: 'time-window';
  /** The five-field cron whose ticks bound the windows. */
  readonly cron: string;
  /** Human name of the cadence: `hourly`, `daily`, `weekly`, `monthly`, `every 15 minutes` or `cron "…"`. */
  readonly cadence: string;
  /** IANA time zone the cron and the keys are read in. */
  readonly timezone: string;
  /** Luxon format of the keys. */
  readonly format: string;
  /** The `start` option as an ISO instant (the first window starts at the first tick at or after it). */
  readonly start: string;
  /** The `end` option as an ISO instant, or null. */
  readonly end: string | null;
  readonly endOffset: number;
}

/** Options of {@link timeWindowPartitions}. */
export interface TimeWindowPartitionsOptions {
  /** Five-field cron whose ticks bound the windows, e.g. `0 *\/6 * * *` for 6-hour windows. */
  cron: string;
  /** The first window starts at the first tick at or after this: a key in `format`, an ISO 8601 date(-time), or a Date. */
  start: string | Date;
  /** Exclusive bound: windows that end after it are not partitions. Same forms as `start`. */
  end?: string | Date;
  /** IANA time zone, default `UTC`. */
  timezone?: string;
  /** Luxon format of the keys, e.g. `yyyy-MM-dd-HH:mm`. */
  format: string;
  /**
   * Extra windows past the last completed one: 0 (default) = only windows that have ended;
   * 1 = also the window in progress; -1 = leave out the last completed window.
   */
  endOffset?: number;
}

/**
 * The cadence of a time-window partitions definition as its TYPE carries it: `'hour'`, `'day'`,
 * `'week'` or `'month'` from the presets (`dailyPartitions()` is a
 * `TimeWindowPartitionsDefinition<'day'>`), `string` when not known (any cron, or a preset moved
 * by `hourOffset`/`minuteOffset`). Asset inputs are typed from it: a weekly asset reading a daily
 * one gets a record of days, a daily asset reading a weekly one gets one week's value.
 */
export type TimeWindowCadence = 'hour' | 'day' | 'week' | 'month';

/** Where a key sits, or why it does not name a window. */
type Located = { ok: true; index: number } | { ok: false; problem: PartitionKeyProblem; detail: string };

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * Partitions that are time windows between consecutive ticks of a cron schedule in a time zone
 * (Dagster's `TimeWindowPartitionsDefinition`). Create one with {@link timeWindowPartitions} or
 * the `hourlyPartitions`, `dailyPartitions`, `weeklyPartitions`, `monthlyPartitions` presets.
 *
 * - A partition's key is its window's start formatted in the zone.
 * - Partitions start with the first window starting at or after `start`, and end with the last
 *   window that has ended at `ctx.now` (the window in progress is not a partition unless
 *   `endOffset >= 1`), and never include a window ending after `end`.
 * - DST: windows are computed in the zone. A daily window on a spring-forward day is 23 hours
 *   long, on a fall-back day 25 hours; hourly partitions have 23 and 25 keys on those days. The
 *   repeated hour after a fall-back gets the UTC offset appended to its key (Dagster's rule),
 *   so keys stay unique: `2024-11-03-01:00` (EDT) then `2024-11-03-01:00-0500` (EST). A local
 *   time a schedule names that does not exist (02:30 on a spring-forward day) moves to the end
 *   of the gap (03:00); one that happens twice (01:30 on a fall-back day) is its first occurrence.
 *
 * Indices: `keyIndex`, `keyAt` and `windowAt` number partitions from 0 (the first partition);
 * negative indices are the windows before the start.
 */
export class TimeWindowPartitionsDefinition<TCadence extends string = string> implements PartitionsDefinitionBase<string, TimeWindowPartitionsSpec> {
  readonly kind = 'time-window' as const;
  /** Type-only: the cadence ({@link TimeWindowCadence}), used to type asset inputs. */
  declare readonly _cadence?: TCadence;
  readonly spec: TimeWindowPartitionsSpec;
  /** The cron, normalized (macros expanded). */
  readonly cron: string;
  readonly timezone: string;
  /** Luxon format of the keys. */
  readonly format: string;
  readonly endOffset: number;
  /** Start of the first partition's window. */
  readonly start: Date;
  /** The exclusive `end` bound, or null. */
  readonly end: Date | null;

  private readonly shape: CronShape;
  private readonly clock: ZoneClock;
  private readonly keyFormat: KeyFormat;
  private readonly cadence: Cadence;
  /** Cadence index of partition 0. */
  private readonly firstIndex: number;
  /** Last partition index the `end` bound allows (Infinity without `end`). */
  private readonly endLimit: number;

  /** Use {@link timeWindowPartitions} or a preset (`dailyPartitions`…). */
  constructor(options: TimeWindowPartitionsOptions, factory = 'timeWindowPartitions') {
    const where = (option: string) => `${factory}: ${option}`;
    if (typeof options !== 'object' || options === null) throw new PartitionsDefinitionError(`${factory} needs an options object, e.g. ${factory}({ start: '2024-01-01' }).`);
    const timezone = options.timezone ?? 'UTC';
    if (typeof timezone !== 'string' || !ZoneClock.isValid(timezone)) {
      throw new PartitionsDefinitionError(`${where('timezone')} "${String(timezone)}" is not an IANA time zone; use a name such as "UTC", "America/New_York" or "Europe/Berlin".`);
    }
    const endOffset = options.endOffset ?? 0;
    if (!Number.isInteger(endOffset)) throw new PartitionsDefinitionError(`${where('endOffset')} must be an integer (1 includes the window in progress), got ${String(endOffset)}.`);
    if (typeof options.format !== 'string') throw new PartitionsDefinitionError(`${where('format')} must be a luxon format string such as "yyyy-MM-dd".`);
    if (typeof options.cron !== 'string') throw new PartitionsDefinitionError(`${where('cron')} must be a five-field cron string such as "0 0 * * *".`);

    const parsedCron: CronExpression = parseCron(options.cron);
    this.cron = parsedCron.source;
    this.shape = cronShape(parsedCron);
    this.timezone = timezone;
    this.format = options.format;
    this.endOffset = endOffset;
    this.clock = ZoneClock.of(timezone);
    this.keyFormat = new KeyFormat(options.format, this.clock);

    const startInstant = this.parseBound(options.start, 'start', factory);
    this.cadence = createCadence(parsedCron, this.clock, startInstant);
    const floor = this.cadence.floorIndex(startInstant);
    this.firstIndex = this.cadence.tick(floor) === startInstant ? floor : floor + 1;
    this.start = new Date(this.cadence.tick(this.firstIndex));

    const endInstant = options.end === undefined || options.end === null ? null : this.parseBound(options.end, 'end', factory);
    this.end = endInstant === null ? null : new Date(endInstant);
    this.endLimit = endInstant === null ? Number.POSITIVE_INFINITY : this.indexAt(endInstant) - 1;
    if (this.endLimit < 0) {
      throw new PartitionsDefinitionError(
        `${where('end')} ${new Date(endInstant!).toISOString()} leaves no partitions: the first window (${this.keyAt(0)}) ends at ${new Date(this.tickAt(1)).toISOString()}. Move end later or start earlier.`,
      );
    }
    this.checkFormatTellsWindowsApart(factory);

    this.spec = {
      kind: 'time-window',
      cron: this.cron,
      cadence: this.cadenceName(),
      timezone,
      format: options.format,
      start: new Date(startInstant).toISOString(),
      end: this.end === null ? null : this.end.toISOString(),
      endOffset,
    };
  }

  // ---- PartitionsDefinition ----

  keys(ctx: PartitionContext): string[] {
    const last = this.lastIndex(ctx);
    const keys = new Array<string>(last + 1);
    for (let i = 0; i <= last; i++) keys[i] = this.keyAt(i);
    return keys;
  }

  count(ctx: PartitionContext): number {
    return this.lastIndex(ctx) + 1;
  }

  hasKey(key: string, ctx: PartitionContext): key is string {
    const at = this.locate(key);
    return at.ok && at.index >= 0 && at.index <= this.lastIndex(ctx);
  }

  validateKey(key: string, ctx: PartitionContext): void {
    this.indexInRange(key, ctx);
  }

  keysInRange(from: string, to: string, ctx: PartitionContext): string[] {
    const lo = this.indexInRange(from, ctx);
    const hi = this.indexInRange(to, ctx);
    if (lo > hi) {
      throw new PartitionKeyError(
        `${from}...${to}`,
        'range-reversed',
        `The range ${from}...${to} runs backwards: ${from} comes after ${to} in ${this.describe()}. Swap the ends: ${to}...${from}.`,
      );
    }
    const keys: string[] = [];
    for (let i = lo; i <= hi; i++) keys.push(this.keyAt(i));
    return keys;
  }

  describe(): string {
    const bound = this.end === null ? '' : `, ending ${this.formatInstant(this.end.getTime())}`;
    const offset = this.endOffset === 0 ? '' : `, endOffset ${this.endOffset}`;
    return `${this.cadenceName()} partitions starting ${this.keyAt(0)} (${this.timezone})${bound}${offset}`;
  }

  toJSON(): TimeWindowPartitionsSpec {
    return this.spec;
  }

  // ---- Time windows ----

  /**
   * The time window a key names. Checks the key is a window start in this definition's format,
   * not that the partition exists yet (use `validateKey` for that).
   *
   * @example
   * dailyPartitions({ start: '2024-01-01', timezone: 'America/New_York' }).timeWindowForKey('2024-03-10');
   * // { start: 2024-03-10T05:00:00.000Z, end: 2024-03-11T04:00:00.000Z } (23 hours)
   */
  timeWindowForKey(key: string): TimeWindow {
    return this.windowAt(this.keyIndex(key));
  }

  /** The window from the start of `range.from` to the end of `range.to` (keys checked as in {@link timeWindowForKey}). */
  timeWindowForRange(range: PartitionKeyRange): TimeWindow {
    return { start: this.timeWindowForKey(range.from).start, end: this.timeWindowForKey(range.to).end };
  }

  /**
   * Key of the partition whose window contains `time`, or null when no partition does: before
   * the first window, past `end`, or (when `ctx` is given) past the last partition at `ctx.now`.
   */
  keyForTime(time: Date, ctx?: PartitionContext): string | null {
    const index = this.indexAt(time.getTime());
    if (index < 0 || index > (ctx ? this.lastIndex(ctx) : this.endLimit)) return null;
    return this.keyAt(index);
  }

  /** Position of a key: 0 for the first partition, negative for windows before the start. Throws when the key does not name a window. */
  keyIndex(key: string): number {
    const at = this.locate(key);
    if (!at.ok) throw new PartitionKeyError(key, at.problem, `"${key}" is not a partition of ${this.describe()}: ${at.detail}.`);
    return at.index;
  }

  /** Key of the partition at a position (see {@link keyIndex}); does not check it exists yet. */
  keyAt(index: number): string {
    return this.keyFormat.format(this.tickAt(index));
  }

  /** Window of the partition at a position (see {@link keyIndex}). */
  windowAt(index: number): TimeWindow {
    return { start: new Date(this.tickAt(index)), end: new Date(this.tickAt(index + 1)) };
  }

  /** The key before `key`, or null for the first partition. */
  previousKey(key: string): string | null {
    const index = this.keyIndex(key);
    return index <= 0 ? null : this.keyAt(index - 1);
  }

  /** The key after `key`, or null past the `end` bound (and, when `ctx` is given, past the last partition at `ctx.now`). */
  nextKey(key: string, ctx?: PartitionContext): string | null {
    const index = this.keyIndex(key) + 1;
    if (index < 0 || index > (ctx ? this.lastIndex(ctx) : this.endLimit)) return null;
    return this.keyAt(index);
  }

  /** The first partition's key. */
  firstKey(): string {
    return this.keyAt(0);
  }

  /** The last partition's key at `ctx.now`, or null when no window has ended yet. */
  lastKey(ctx: PartitionContext): string | null {
    const last = this.lastIndex(ctx);
    return last < 0 ? null : this.keyAt(last);
  }

  /**
   * The partitions whose windows overlap `[window.start, window.end)`, split into those that
   * exist at `ctx.now` (`keys`) and those that do not (`missing`: before the start, past the
   * end, or not ended yet), each in order. Used by time-window partition mappings.
   */
  keysOverlapping(window: TimeWindow, ctx: PartitionContext): { keys: string[]; missing: string[] } {
    const start = window.start.getTime();
    const end = window.end.getTime();
    const keys: string[] = [];
    const missing: string[] = [];
    if (!(end > start)) return { keys, missing };
    const lo = this.indexAt(start);
    const hi = this.indexAt(end - 1);
    const last = this.lastIndex(ctx);
    for (let i = lo; i <= hi; i++) (i >= 0 && i <= last ? keys : missing).push(this.keyAt(i));
    return { keys, missing };
  }

  /** True when both definitions cut time the same way (same cron and time zone), whatever their bounds and formats. */
  hasSameCadence(other: TimeWindowPartitionsDefinition): boolean {
    return this.cron === other.cron && this.clock === other.clock;
  }

  /**
   * True when every window of `this` lies inside one window of `coarser` (every tick of
   * `coarser` is a tick of `this`, in the same time zone): a day inside its week or month, an
   * hour inside its day. Then a partition of `this` reads exactly one partition of `coarser`.
   *
   * @example
   * dailyPartitions({ start: '2024-01-01' }).windowsNestIn(weeklyPartitions({ start: '2024-01-01' })); // true
   */
  windowsNestIn(coarser: TimeWindowPartitionsDefinition): boolean {
    if (this.clock !== coarser.clock) return false;
    const fine = this.shape;
    const wide = coarser.shape;
    if (wide.kind !== 'daily' && wide.kind !== 'weekly' && wide.kind !== 'monthly') return false;
    if (fine.kind === 'every-minutes') return fine.intervalMinutes === 60 && fine.minute === wide.minute;
    if (fine.kind === 'daily') return wide.kind !== 'daily' && fine.hour === wide.hour && fine.minute === wide.minute;
    return false;
  }

  // ---- Internals ----

  private tickAt(index: number): number {
    return this.cadence.tick(this.firstIndex + index);
  }

  /** Index of the window containing an instant. */
  private indexAt(instant: number): number {
    return this.cadence.floorIndex(instant) - this.firstIndex;
  }

  /** Index of the last partition at `ctx.now`; -1 when there is none. */
  private lastIndex(ctx: PartitionContext): number {
    const now = nowOf(ctx);
    const lastEnded = this.indexAt(now.getTime()) - 1;
    const last = this.endOffset >= 0 ? Math.min(lastEnded + this.endOffset, this.endLimit) : Math.min(lastEnded, this.endLimit) + this.endOffset;
    return Math.max(last, -1);
  }

  /**
   * Reads a key: the time it names must be a window start, or (for keys coarser than the
   * cadence, like `2024-01-01` for daily windows starting 06:00) the first window start after it
   * must format back to the same key, as in Dagster.
   */
  private locate(key: string): Located {
    if (typeof key !== 'string') return { ok: false, problem: 'format', detail: `a partition key must be a string, got ${typeof key}` };
    const instant = this.keyFormat.parse(key);
    if (instant === null) return { ok: false, problem: 'format', detail: `it does not read as a ${this.timeWord()} in ${this.format}` };
    const floor = this.cadence.floorIndex(instant);
    const k = this.cadence.tick(floor) === instant ? floor : floor + 1;
    const canonical = this.keyFormat.format(this.cadence.tick(k));
    if (canonical === key) return { ok: true, index: k - this.firstIndex };
    if (k === floor) return { ok: false, problem: 'format', detail: `the key of that window is written ${canonical}` };
    const containing = this.keyFormat.format(this.cadence.tick(floor));
    return {
      ok: false,
      problem: 'not-a-window-start',
      detail: `it falls inside the window ${containing} (windows start ${this.windowStartText()}); use ${containing} for that window`,
    };
  }

  /** Validates a key against `ctx` and returns its index. */
  private indexInRange(key: string, ctx: PartitionContext): number {
    const at = this.locate(key);
    const last = this.lastIndex(ctx);
    const valid = last < 0 ? this.noPartitionsYet(ctx) : `valid keys run from ${this.keyAt(0)} to ${this.keyAt(last)}`;
    const fix = `Pass a ${this.timeWord()} in that range in ${this.format}.`;
    if (!at.ok) {
      throw new PartitionKeyError(key, at.problem, `"${key}" is not a partition of ${this.describe()}: ${at.detail}. ${capitalize(valid)}. ${fix}`);
    }
    if (at.index < 0 || at.index > last) {
      if (last < 0) throw new PartitionKeyError(key, 'out-of-range', `"${key}" is not a partition of ${this.describe()}: ${valid}.`);
      let why = '';
      if (at.index > this.endLimit) {
        why = ` The definition ends at ${this.end!.toISOString()}.`;
      } else if (at.index > last) {
        const ends = this.tickAt(at.index + 1);
        const now = nowOf(ctx);
        if (ends > now.getTime()) {
          why = ` Its window ends at ${new Date(ends).toISOString()}, after now (${now.toISOString()})${this.endOffset < 1 ? '; set endOffset: 1 to include the window in progress' : ''}.`;
        } else {
          why = ` endOffset ${this.endOffset} leaves out the last ${-this.endOffset} ended window${this.endOffset === -1 ? '' : 's'}.`;
        }
      }
      throw new PartitionKeyError(key, 'out-of-range', `"${key}" is not a partition of ${this.describe()}: ${valid}.${why} ${fix}`);
    }
    return at.index;
  }

  private noPartitionsYet(ctx: PartitionContext): string {
    // With offset e the first partition exists once now reaches tick(1 - e): its own end for e = 0.
    const from = new Date(this.tickAt(1 - this.endOffset)).toISOString();
    const when = this.endOffset === 0 ? ` once its window ends at ${from}` : ` from ${from} (endOffset ${this.endOffset})`;
    const hint = this.endOffset === 0 ? '; set endOffset: 1 to include the window in progress' : '';
    return `there are no partitions yet at ${nowOf(ctx).toISOString()}: the first, ${this.keyAt(0)}, exists${when}${hint}`;
  }

  private parseBound(value: unknown, option: 'start' | 'end', factory: string): number {
    if (value instanceof Date) {
      const t = value.getTime();
      if (Number.isNaN(t)) throw new PartitionsDefinitionError(`${factory}: ${option} is an invalid Date.`);
      return t;
    }
    if (typeof value === 'string') {
      const fromKey = this.keyFormat.parse(value);
      if (fromKey !== null) return fromKey;
      const fromIso = this.parseIso(value);
      if (fromIso !== null) return fromIso;
    }
    throw new PartitionsDefinitionError(
      `${factory}: ${option} ${JSON.stringify(value)} is not a ${this.timeWord()} in ${this.format} nor an ISO 8601 date; pass e.g. "${this.exampleKey()}" or a Date.`,
    );
  }

  /** ISO 8601 date or date-time; without an offset it is a wall time in the zone. */
  private parseIso(text: string): number | null {
    const dt = DateTime.fromISO(text, { zone: 'utc', setZone: true });
    if (!dt.isValid) return null;
    const hasOffset = /[T ]\d{2}(:?\d{2})?(:?\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/i.test(text);
    return hasOffset ? dt.toMillis() : this.clock.resolve(dt.toMillis() + dt.offset * 60_000).instant;
  }

  private exampleKey(): string {
    return this.keyFormat.format(Date.UTC(2024, 0, 1));
  }

  private checkFormatTellsWindowsApart(factory: string): void {
    const seen = new Map<string, number>();
    for (let i = 0; i < 4; i++) {
      const tick = this.tickAt(i);
      const key = this.keyFormat.format(tick);
      const other = seen.get(key);
      if (other !== undefined) {
        throw new PartitionsDefinitionError(
          `${factory}: format "${this.format}" gives windows starting ${new Date(other).toISOString()} and ${new Date(tick).toISOString()} the same key "${key}". Use a format that shows every part of the window start, e.g. "yyyy-MM-dd-HH:mm" for hourly windows.`,
        );
      }
      seen.set(key, tick);
      const located = this.locate(key);
      if (!located.ok || located.index !== i) {
        throw new PartitionsDefinitionError(
          `${factory}: key "${key}" (format "${this.format}") does not read back as its window start ${new Date(tick).toISOString()}. Use a format that shows the full date and time of day, e.g. "yyyy-MM-dd-HH:mm".`,
        );
      }
      if (key.includes('|') || key.includes('...')) {
        throw new PartitionsDefinitionError(`${factory}: format "${this.format}" makes keys with "|" or "..." (${key}), which Stratum reserves for multi-partition keys and ranges.`);
      }
    }
  }

  private formatInstant(instant: number): string {
    const key = this.keyFormat.format(instant);
    return this.keyFormat.parse(key) === instant ? key : new Date(instant).toISOString();
  }

  private cadenceName(): string {
    const s = this.shape;
    const at = (hour: number, minute: number) => (hour === 0 && minute === 0 ? '' : ` at ${pad(hour)}:${pad(minute)}`);
    switch (s.kind) {
      case 'every-minutes':
        if (s.intervalMinutes === 60) return s.minute === 0 ? 'hourly' : `hourly (at :${pad(s.minute)})`;
        return `${s.intervalMinutes}-minute`;
      case 'daily':
        return `daily${at(s.hour, s.minute)}`;
      case 'weekly':
        return s.dayOfWeek === 0 && s.hour === 0 && s.minute === 0 ? 'weekly' : `weekly (${WEEKDAYS[s.dayOfWeek]}s${at(s.hour, s.minute)})`;
      case 'monthly':
        return s.dayOfMonth === 1 && s.hour === 0 && s.minute === 0 ? 'monthly' : `monthly (day ${s.dayOfMonth}${at(s.hour, s.minute)})`;
      case 'general':
        return `cron "${this.cron}"`;
    }
  }

  private windowStartText(): string {
    const s = this.shape;
    const time = (hour: number, minute: number) => `at ${pad(hour)}:${pad(minute)}`;
    switch (s.kind) {
      case 'every-minutes':
        return `every ${s.intervalMinutes} minutes at :${pad(s.minute)}`;
      case 'daily':
        return time(s.hour, s.minute);
      case 'weekly':
        return `on ${WEEKDAYS[s.dayOfWeek]}s ${time(s.hour, s.minute)}`;
      case 'monthly':
        return `on day ${s.dayOfMonth} of the month ${time(s.hour, s.minute)}`;
      case 'general':
        return `on the ticks of cron "${this.cron}"`;
    }
  }

  private timeWord(): string {
    return /[HhmsS]/.test(this.format.replace(/'[^']*'/g, '')) ? 'time' : 'date';
  }
}

function nowOf(ctx: PartitionContext): Date {
  const now = ctx?.now;
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new PartitionsDefinitionError('Partition maths needs the current time: pass ctx = { now: Date } (a valid Date).');
  }
  return now;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Time-window partitions on any cron schedule (Dagster's `TimeWindowPartitionsDefinition`):
 * one partition per window between consecutive ticks, keyed by the window start in `format`.
 *
 * @example
 * // 6-hour windows in Berlin time, keys like 2024-01-01-06:00
 * const sixHourly = timeWindowPartitions({
 *   cron: '0 *\/6 * * *',
 *   start: '2024-01-01-00:00',
 *   timezone: 'Europe/Berlin',
 *   format: 'yyyy-MM-dd-HH:mm',
 * });
 * sixHourly.keys({ now: new Date('2024-01-02T00:00:00Z') }); // ['2024-01-01-00:00', …, '2024-01-01-18:00']
 */
export function timeWindowPartitions(options: TimeWindowPartitionsOptions): TimeWindowPartitionsDefinition<string> {
  return new TimeWindowPartitionsDefinition(options);
}

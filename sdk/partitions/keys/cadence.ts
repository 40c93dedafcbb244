import { type CronExpression, cronMatchesDay, cronRepeatsEveryHour, cronShape } from './cron-expression';
import { PartitionsDefinitionError } from '../definition/partitions-definition-error';
import { DAY_MS, HOUR_MS, MINUTE_MS, type ZoneClock, wallFields, weekdayOfWall } from './zone-clock';

/**
 * The ticks of a cron schedule in a time zone, numbered by integer index: window `k` runs from
 * `tick(k)` to `tick(k + 1)`. Indices are the cadence's own (only differences matter); they
 * extend before and after any anchor.
 *
 * DST rules (Dagster's):
 * - schedules that fire every hour (hour field `*`, e.g. hourly) run by absolute time: a fall-back
 *   day has 25 hourly ticks (the repeated hour twice), a spring-forward day 23;
 * - other schedules use the local wall time: a time that does not exist (02:30 on a
 *   spring-forward day in New York) moves to the end of the gap (03:00); a time that happens
 *   twice (01:30 on a fall-back day) fires once, at its first occurrence.
 */
export interface Cadence {
  /** Instant (epoch ms) of tick `k`. Strictly increasing in `k`. */
  tick(k: number): number;
  /** The greatest `k` with `tick(k) <= instant`. */
  floorIndex(instant: number): number;
}

/**
 * The cadence of a cron in a zone. Hourly-like, daily, weekly and monthly shapes use O(1)
 * calendar arithmetic; other crons are iterated day by day from `anchor` and cached.
 */
export function createCadence(cron: CronExpression, clock: ZoneClock, anchor: number): Cadence {
  const shape = cronShape(cron);
  switch (shape.kind) {
    case 'every-minutes': {
      const interval = shape.intervalMinutes * MINUTE_MS;
      if (!offsetsAlignedTo(clock, anchor, interval)) return new GeneralCadence(cron, clock, anchor);
      const phase = mod(shape.minute * MINUTE_MS - clock.offsetAt(anchor), interval);
      return new EveryIntervalCadence(interval, phase);
    }
    case 'daily':
      return new DailyCadence(clock, shape.hour * HOUR_MS + shape.minute * MINUTE_MS);
    case 'weekly':
      return new WeeklyCadence(clock, shape.dayOfWeek, shape.hour * HOUR_MS + shape.minute * MINUTE_MS);
    case 'monthly':
      return new MonthlyCadence(clock, shape.dayOfMonth, shape.hour * HOUR_MS + shape.minute * MINUTE_MS);
    case 'general':
      return new GeneralCadence(cron, clock, anchor);
  }
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/**
 * Absolute-time arithmetic is right for sub-hourly/hourly schedules only when every offset of
 * the zone is the same modulo the interval (true for whole-hour zones and for India's +05:30;
 * false for Lord Howe's 30-minute DST shift or local mean time before 1900). Checked around
 * the anchor: in January and July of its year.
 */
function offsetsAlignedTo(clock: ZoneClock, anchor: number, interval: number): boolean {
  if (clock.isUtc) return true;
  const year = new Date(anchor).getUTCFullYear();
  const samples = [anchor, Date.UTC(year, 0, 1), Date.UTC(year, 6, 1), Date.UTC(year + 1, 0, 1)].map((t) => mod(clock.offsetAt(t), interval));
  return samples.every((s) => s === samples[0]);
}

/** Ticks every `interval` ms of absolute time, at instants ≡ `phase` (mod interval). */
class EveryIntervalCadence implements Cadence {
  constructor(
    private readonly interval: number,
    private readonly phase: number,
  ) {}

  tick(k: number): number {
    return this.phase + k * this.interval;
  }

  floorIndex(instant: number): number {
    return Math.floor((instant - this.phase) / this.interval);
  }
}

/** A cadence defined by a wall time per index, resolved in the zone (gaps move forward). */
abstract class WallClockCadence implements Cadence {
  constructor(protected readonly clock: ZoneClock) {}

  /** Local wall time of tick `k`. */
  protected abstract wallOfIndex(k: number): number;
  /** An index close to (within one of) the tick at or before a wall time. */
  protected abstract estimateIndex(wall: number): number;

  tick(k: number): number {
    return this.clock.resolve(this.wallOfIndex(k)).instant;
  }

  floorIndex(instant: number): number {
    let k = this.estimateIndex(this.clock.wallOf(instant));
    while (this.tick(k) > instant) k--;
    while (this.tick(k + 1) <= instant) k++;
    return k;
  }
}

/** Every day at a local time of day; `k` is the local date as days since 1970-01-01. */
class DailyCadence extends WallClockCadence {
  constructor(
    clock: ZoneClock,
    private readonly timeOfDay: number,
  ) {
    super(clock);
  }

  protected wallOfIndex(k: number): number {
    return k * DAY_MS + this.timeOfDay;
  }

  protected estimateIndex(wall: number): number {
    return Math.floor((wall - this.timeOfDay) / DAY_MS);
  }
}

/** Every week on a weekday (0 = Sunday) at a local time of day. */
class WeeklyCadence extends WallClockCadence {
  /** A day (days since 1970-01-01) that falls on the weekday. */
  private readonly firstDay: number;

  constructor(
    clock: ZoneClock,
    weekday: number,
    private readonly timeOfDay: number,
  ) {
    super(clock);
    this.firstDay = mod(weekday - 4, 7); // 1970-01-01 was a Thursday
  }

  protected wallOfIndex(k: number): number {
    return (this.firstDay + 7 * k) * DAY_MS + this.timeOfDay;
  }

  protected estimateIndex(wall: number): number {
    return Math.floor((Math.floor((wall - this.timeOfDay) / DAY_MS) - this.firstDay) / 7);
  }
}

/** Every month on a day (1–28) at a local time of day; `k` is months since January 1970. */
class MonthlyCadence extends WallClockCadence {
  constructor(
    clock: ZoneClock,
    private readonly dayOfMonth: number,
    private readonly timeOfDay: number,
  ) {
    super(clock);
  }

  protected wallOfIndex(k: number): number {
    return Date.UTC(1970, k, this.dayOfMonth) + this.timeOfDay;
  }

  protected estimateIndex(wall: number): number {
    const f = wallFields(wall);
    return (f.year - 1970) * 12 + (f.month - 1);
  }
}

/** Longest stretch without a tick before a cron is considered never to fire (Feb 29 crons fire every 4–8 years). */
const MAX_DAYS_WITHOUT_TICK = 366 * 9;

/**
 * Any cron, iterated day by day in local time and cached. Index 0 is the first tick at or after
 * the anchor; negative indices are ticks before it.
 */
class GeneralCadence implements Cadence {
  private readonly repeatsEveryHour: boolean;
  /** `forward[i]` is tick `i`. */
  private readonly forward: number[] = [];
  /** `backward[j]` is tick `-(j + 1)`. */
  private readonly backward: number[] = [];
  private nextForwardDay: number;
  private nextBackwardDay: number;

  constructor(
    private readonly cron: CronExpression,
    private readonly clock: ZoneClock,
    private readonly anchor: number,
  ) {
    this.repeatsEveryHour = cronRepeatsEveryHour(cron);
    const anchorDay = Math.floor(clock.wallOf(anchor) / DAY_MS);
    this.nextForwardDay = anchorDay - 1;
    this.nextBackwardDay = anchorDay + 1;
    this.tick(1); // fails early for a cron that never fires
  }

  tick(k: number): number {
    if (k >= 0) {
      while (this.forward.length <= k) this.extendForward();
      return this.forward[k]!;
    }
    while (this.backward.length < -k) this.extendBackward();
    return this.backward[-k - 1]!;
  }

  floorIndex(instant: number): number {
    if (instant >= this.tick(0)) {
      while (this.forward[this.forward.length - 1]! <= instant) this.extendForward();
      // forward[0] <= instant < forward[last]
      let lo = 0;
      let hi = this.forward.length - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (this.forward[mid]! <= instant) lo = mid;
        else hi = mid;
      }
      return lo;
    }
    let j = 0;
    while (this.tick(-(j + 1)) > instant) j++;
    return -(j + 1);
  }

  private extendForward(): void {
    const last = this.forward.length > 0 ? this.forward[this.forward.length - 1]! : Number.NEGATIVE_INFINITY;
    for (let scanned = 0; scanned < MAX_DAYS_WITHOUT_TICK; scanned++) {
      const ticks = this.ticksOfDay(this.nextForwardDay++);
      const fresh = ticks.filter((t) => t >= this.anchor && t > last);
      if (fresh.length > 0) {
        this.forward.push(...fresh);
        return;
      }
    }
    throw this.neverFires();
  }

  private extendBackward(): void {
    const last = this.backward.length > 0 ? this.backward[this.backward.length - 1]! : Number.POSITIVE_INFINITY;
    for (let scanned = 0; scanned < MAX_DAYS_WITHOUT_TICK; scanned++) {
      const ticks = this.ticksOfDay(this.nextBackwardDay--);
      const fresh = ticks.filter((t) => t < this.anchor && t < last).reverse();
      if (fresh.length > 0) {
        this.backward.push(...fresh);
        return;
      }
    }
    throw this.neverFires();
  }

  private neverFires(): PartitionsDefinitionError {
    return new PartitionsDefinitionError(
      `Cron "${this.cron.source}" does not fire within ${Math.round(MAX_DAYS_WITHOUT_TICK / 365)} years (check the day-of-month and month fields, e.g. "0 0 30 2 *" never fires).`,
    );
  }

  /** Sorted ticks whose local date is `day` (days since 1970-01-01). */
  private ticksOfDay(day: number): number[] {
    const midnight = day * DAY_MS;
    const f = wallFields(midnight);
    if (!cronMatchesDay(this.cron, f.month, f.day, weekdayOfWall(midnight))) return [];
    const ticks: number[] = [];
    for (const hour of this.cron.hours) {
      for (const minute of this.cron.minutes) {
        const resolved = this.clock.resolve(midnight + hour * HOUR_MS + minute * MINUTE_MS);
        ticks.push(resolved.instant);
        if (resolved.repeat !== null && this.repeatsEveryHour) ticks.push(resolved.repeat);
      }
    }
    ticks.sort((a, b) => a - b);
    return ticks.filter((t, i) => i === 0 || t !== ticks[i - 1]);
  }
}

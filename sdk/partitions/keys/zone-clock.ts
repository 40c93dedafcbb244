/** Milliseconds in a minute. */
export const MINUTE_MS = 60_000;
/** Milliseconds in an hour. */
export const HOUR_MS = 3_600_000;
/** Milliseconds in a 24-hour day (a UTC day; local days may be 23 or 25 hours). */
export const DAY_MS = 86_400_000;

/** How a local wall-clock time maps to instants in a zone. */
export interface ResolvedWallTime {
  /** The instant used for the wall time: the only one, the first of two, or the end of a gap. */
  readonly instant: number;
  /** The second instant when the wall time happens twice (DST fall-back); otherwise null. */
  readonly repeat: number | null;
  /** True when the wall time does not exist (DST spring-forward); `instant` is then the end of the gap. */
  readonly skipped: boolean;
}

interface DayBucket {
  /** Offset at the start of the UTC day. */
  readonly before: number;
  /** Offset at the end of the UTC day. */
  readonly after: number;
  /** First instant with offset `after` (Infinity when the day has no transition). */
  readonly transition: number;
}

const UTC_NAMES = new Set(['UTC', 'ETC/UTC', 'ETC/UCT', 'UCT', 'GMT', 'ETC/GMT', 'Z', 'ZULU', 'ETC/ZULU', 'UNIVERSAL', 'ETC/UNIVERSAL']);
const MAX_CACHED_DAYS = 200_000;
const clocks = new Map<string, ZoneClock>();

/**
 * UTC offsets and wall-clock conversions of one IANA time zone, fast enough to enumerate
 * hundreds of thousands of partitions.
 *
 * `Intl` is slow (a microsecond or more per call), so offsets are cached per UTC day: the offsets at
 * both ends of a day are looked up once, and when they differ the transition instant is found by
 * bisection. This assumes a zone changes offset at most once per UTC day, which holds for every
 * zone in the tz database since 1900. Pure: the same inputs always give the same outputs.
 *
 * Times are epoch milliseconds. A *wall* time is the local date and time written as if it were
 * UTC, e.g. 2024-03-10 02:30 local is `Date.UTC(2024, 2, 10, 2, 30)`.
 */
export class ZoneClock {
  private readonly format: Intl.DateTimeFormat | null;
  private readonly fixedOffset: number | null;
  private readonly days = new Map<number, DayBucket>();
  private readonly boundaries = new Map<number, number>();
  private lastDay = Number.NaN;
  private lastBucket: DayBucket | null = null;

  private constructor(readonly name: string) {
    if (UTC_NAMES.has(name.toUpperCase())) {
      this.format = null;
      this.fixedOffset = 0;
    } else {
      this.format = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'longOffset' });
      this.fixedOffset = null;
    }
  }

  /** True when `name` is a time zone of the IANA database (`UTC`, `Europe/Berlin`…). */
  static isValid(name: string): boolean {
    if (UTC_NAMES.has(name.toUpperCase())) return true;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
      return name.length > 0;
    } catch {
      return false;
    }
  }

  /** The (memoized) clock of a zone; check {@link ZoneClock.isValid} first. */
  static of(name: string): ZoneClock {
    let clock = clocks.get(name);
    if (!clock) {
      clock = new ZoneClock(name);
      clocks.set(name, clock);
    }
    return clock;
  }

  /** True for UTC and its aliases: offsets are always 0. */
  get isUtc(): boolean {
    return this.fixedOffset === 0;
  }

  /** UTC offset in milliseconds at an instant (`wall = instant + offset`). */
  offsetAt(instant: number): number {
    if (this.fixedOffset !== null) return this.fixedOffset;
    const day = Math.floor(instant / DAY_MS);
    let bucket: DayBucket | undefined;
    if (day === this.lastDay && this.lastBucket) bucket = this.lastBucket;
    else {
      bucket = this.days.get(day);
      if (!bucket) {
        if (this.days.size > MAX_CACHED_DAYS) {
          this.days.clear();
          this.boundaries.clear();
        }
        bucket = this.bucket(day);
        this.days.set(day, bucket);
      }
      this.lastDay = day;
      this.lastBucket = bucket;
    }
    return instant < bucket.transition ? bucket.before : bucket.after;
  }

  /** Local wall time of an instant. */
  wallOf(instant: number): number {
    return instant + this.offsetAt(instant);
  }

  /**
   * The instant(s) of a wall time. Offsets are taken a day before and a day after the wall time:
   * each one that is in effect at `wall - offset` gives an instant. Two instants: the wall time
   * repeats (fall-back). None: it falls in a gap (spring-forward), and the gap's end is used.
   */
  resolve(wall: number): ResolvedWallTime {
    if (this.fixedOffset !== null) return { instant: wall - this.fixedOffset, repeat: null, skipped: false };
    const before = this.offsetAt(wall - DAY_MS);
    const after = this.offsetAt(wall + DAY_MS);
    const first = wall - before;
    const second = wall - after;
    const firstOk = this.offsetAt(first) === before;
    const secondOk = before !== after && this.offsetAt(second) === after;
    if (firstOk && secondOk) {
      return { instant: Math.min(first, second), repeat: Math.max(first, second), skipped: false };
    }
    if (firstOk) return { instant: first, repeat: null, skipped: false };
    if (secondOk) return { instant: second, repeat: null, skipped: false };
    if (before === after) return { instant: first, repeat: null, skipped: false };
    // A gap: the offset grows across it, so `second` < transition <= `first`.
    return { instant: this.firstInstantWithOffset(Math.min(first, second), Math.max(first, second)), repeat: null, skipped: true };
  }

  /**
   * True when the instant's wall time already happened earlier, i.e. it is the second pass
   * through a repeated hour after a fall-back transition.
   */
  isRepeatedWallTime(instant: number): boolean {
    if (this.fixedOffset !== null) return false;
    const offset = this.offsetAt(instant);
    const earlier = this.offsetAt(instant - DAY_MS);
    if (earlier <= offset) return false;
    return this.offsetAt(instant - (earlier - offset)) === earlier;
  }

  /** First instant in `(low, high]` whose offset differs from the offset at `low`. */
  private firstInstantWithOffset(low: number, high: number): number {
    const start = this.offsetAt(low);
    let lo = low;
    let hi = high;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.offsetAt(mid) === start) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  private bucket(day: number): DayBucket {
    const lo = day * DAY_MS;
    const hi = lo + DAY_MS;
    const before = this.boundaryOffset(day);
    const after = this.boundaryOffset(day + 1);
    if (before === after) return { before, after, transition: Number.POSITIVE_INFINITY };
    let a = lo;
    let b = hi;
    while (b - a > 1) {
      const mid = Math.floor((a + b) / 2);
      if (this.rawOffset(mid) === before) a = mid;
      else b = mid;
    }
    return { before, after, transition: b };
  }

  private boundaryOffset(day: number): number {
    let offset = this.boundaries.get(day);
    if (offset === undefined) {
      offset = this.rawOffset(day * DAY_MS);
      this.boundaries.set(day, offset);
    }
    return offset;
  }

  /** Offset from `Intl` (`GMT-05:00`, `GMT+05:30`, `GMT-04:56:02`, `GMT`). About a microsecond. */
  private rawOffset(instant: number): number {
    const text = this.format!.format(new Date(instant));
    const match = /GMT(?:([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?)?$/.exec(text);
    if (!match || match[1] === undefined) return 0;
    const seconds = Number(match[2]) * 3600 + Number(match[3] ?? 0) * 60 + Number(match[4] ?? 0);
    return (match[1] === '-' ? -1 : 1) * seconds * 1000;
  }
}

/** Civil fields of a wall time. */
export interface WallFields {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** Splits a wall time into its civil fields. */
export function wallFields(wall: number): WallFields {
  const d = new Date(wall);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
  };
}

/** Wall time of civil fields; month 1–12. Returns NaN for years before 100 (not supported). */
export function wallTime(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millisecond = 0): number {
  if (year < 100) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
}

/** Day of the week of a wall time, 0 = Sunday. */
export function weekdayOfWall(wall: number): number {
  return (((Math.floor(wall / DAY_MS) + 4) % 7) + 7) % 7;
}

/** `+05:30` / `-0500`-style text of an offset in milliseconds. */
export function formatOffset(offsetMs: number, withColon: boolean): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const total = Math.round(Math.abs(offsetMs) / MINUTE_MS);
  const hh = String(Math.floor(total / 60)).padStart(2, '0');
  const mm = String(total % 60).padStart(2, '0');
  return withColon ? `${sign}${hh}:${mm}` : `${sign}${hh}${mm}`;
}

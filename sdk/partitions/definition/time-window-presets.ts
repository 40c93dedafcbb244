import { PartitionsDefinitionError } from './partitions-definition-error';
import { TimeWindowPartitionsDefinition } from './time-window-partitions';

/** Options shared by the hourly, daily, weekly and monthly presets. */
export interface TimeWindowPresetOptions {
  /** The first window starts at the first tick at or after this: a key (`2024-01-01`), an ISO 8601 date(-time), or a Date. */
  start: string | Date;
  /** Exclusive bound: windows ending after it are not partitions. Same forms as `start`. */
  end?: string | Date;
  /** IANA time zone the windows are cut in, default `UTC`. */
  timezone?: string;
  /** Luxon format of the keys (default `yyyy-MM-dd-HH:mm` hourly, `yyyy-MM-dd` otherwise). */
  format?: string;
  /** Windows past the last completed one: 1 includes the window in progress, -1 drops the last completed one. Default 0. */
  endOffset?: number;
}

/** Options of {@link hourlyPartitions}. */
export interface HourlyPartitionsOptions extends TimeWindowPresetOptions {
  /** Minute of the hour windows start at, 0–59. Default 0. */
  minuteOffset?: number;
}

/** Options of {@link dailyPartitions}. */
export interface DailyPartitionsOptions extends TimeWindowPresetOptions {
  /** Hour of the day windows start at, 0–23. Default 0. */
  hourOffset?: number;
  /** Minute windows start at, 0–59. Default 0. */
  minuteOffset?: number;
}

/** Options of {@link weeklyPartitions}. */
export interface WeeklyPartitionsOptions extends DailyPartitionsOptions {
  /** Day of the week windows start on, 0 = Sunday (default, as Dagster) … 6 = Saturday; 1 = Monday. */
  dayOffset?: number;
}

/** Options of {@link monthlyPartitions}. */
export interface MonthlyPartitionsOptions extends DailyPartitionsOptions {
  /** Day of the month windows start on, 1 (default) … 28 (every month has it). */
  dayOffset?: number;
}

/** The default key format of hourly partitions (Dagster's). */
export const DEFAULT_HOURLY_FORMAT = 'yyyy-MM-dd-HH:mm';
/** The default key format of daily, weekly and monthly partitions (Dagster's). */
export const DEFAULT_DATE_FORMAT = 'yyyy-MM-dd';

/**
 * The cadence type of a preset: `TCadence`, unless the options move the window start by
 * `hourOffset` or `minuteOffset` (then `string`, unknown: whether its windows nest in another
 * definition's depends on those offsets, which the type does not track).
 */
export type PresetCadence<O, TCadence extends string> = O extends { readonly hourOffset: infer H }
  ? [H] extends [0 | undefined]
    ? PresetMinuteCadence<O, TCadence>
    : string
  : PresetMinuteCadence<O, TCadence>;
type PresetMinuteCadence<O, TCadence extends string> = O extends { readonly minuteOffset: infer M } ? ([M] extends [0 | undefined] ? TCadence : string) : TCadence;

function integerOption(factory: string, name: string, value: unknown, min: number, max: number, fallback: number, hint = ''): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new PartitionsDefinitionError(`${factory}: ${name} must be an integer from ${min} to ${max}${hint}, got ${JSON.stringify(value)}.`);
  }
  return value;
}

function preset<TCadence extends string>(factory: string, options: TimeWindowPresetOptions, cron: string, defaultFormat: string): TimeWindowPartitionsDefinition<TCadence> {
  return new TimeWindowPartitionsDefinition<TCadence>(
    {
      cron,
      start: options.start,
      ...(options.end !== undefined ? { end: options.end } : {}),
      ...(options.timezone !== undefined ? { timezone: options.timezone } : {}),
      ...(options.endOffset !== undefined ? { endOffset: options.endOffset } : {}),
      format: options.format ?? defaultFormat,
    },
    factory,
  );
}

function checkOptions(factory: string, options: unknown): asserts options is TimeWindowPresetOptions {
  if (typeof options !== 'object' || options === null || !('start' in options)) {
    throw new PartitionsDefinitionError(`${factory} needs a start, e.g. ${factory}({ start: '2024-01-01' }).`);
  }
}

/**
 * One partition per hour, keyed `yyyy-MM-dd-HH:mm` (Dagster's `HourlyPartitionsDefinition`).
 * Hours are absolute: in a DST zone a spring-forward day has 23 partitions and a fall-back day
 * 25, the repeated hour keyed with its offset (`2024-11-03-01:00-0500`).
 *
 * @example
 * const hourly = hourlyPartitions({ start: '2024-01-01-00:00', timezone: 'Europe/Berlin' });
 * hourly.lastKey({ now: new Date('2024-01-01T10:30:00Z') }); // '2024-01-01-10:00' (ended 11:00 Berlin = 10:00Z)
 */
export function hourlyPartitions<const O extends HourlyPartitionsOptions>(options: O): TimeWindowPartitionsDefinition<PresetCadence<O, 'hour'>> {
  const factory = 'hourlyPartitions';
  checkOptions(factory, options);
  const minute = integerOption(factory, 'minuteOffset', options.minuteOffset, 0, 59, 0);
  return preset<never>(factory, options, `${minute} * * * *`, DEFAULT_HOURLY_FORMAT);
}

/**
 * One partition per day, keyed `yyyy-MM-dd` (Dagster's `DailyPartitionsDefinition`). The day is
 * the local day in `timezone`: 23 hours on a spring-forward day, 25 on a fall-back day.
 *
 * @example
 * const daily = dailyPartitions({ start: '2024-01-01' });
 * daily.keys({ now: new Date('2024-01-03T12:00:00Z') }); // ['2024-01-01', '2024-01-02']
 * // today's partition too, e.g. for intraday refreshes:
 * dailyPartitions({ start: '2024-01-01', endOffset: 1, hourOffset: 6, timezone: 'America/New_York' });
 */
export function dailyPartitions<const O extends DailyPartitionsOptions>(options: O): TimeWindowPartitionsDefinition<PresetCadence<O, 'day'>> {
  const factory = 'dailyPartitions';
  checkOptions(factory, options);
  const hour = integerOption(factory, 'hourOffset', options.hourOffset, 0, 23, 0);
  const minute = integerOption(factory, 'minuteOffset', options.minuteOffset, 0, 59, 0);
  return preset<never>(factory, options, `${minute} ${hour} * * *`, DEFAULT_DATE_FORMAT);
}

/**
 * One partition per week, keyed by its first day `yyyy-MM-dd` (Dagster's
 * `WeeklyPartitionsDefinition`). Weeks start on Sunday unless `dayOffset` says otherwise.
 *
 * @example
 * const weekly = weeklyPartitions({ start: '2024-01-01', dayOffset: 1 }); // Monday weeks
 * weekly.timeWindowForKey('2024-01-08'); // { start: 2024-01-08T00:00Z, end: 2024-01-15T00:00Z }
 */
export function weeklyPartitions<const O extends WeeklyPartitionsOptions>(options: O): TimeWindowPartitionsDefinition<PresetCadence<O, 'week'>> {
  const factory = 'weeklyPartitions';
  checkOptions(factory, options);
  const day = integerOption(factory, 'dayOffset', options.dayOffset, 0, 6, 0, ' (0 = Sunday, 1 = Monday)');
  const hour = integerOption(factory, 'hourOffset', options.hourOffset, 0, 23, 0);
  const minute = integerOption(factory, 'minuteOffset', options.minuteOffset, 0, 59, 0);
  return preset<never>(factory, options, `${minute} ${hour} * * ${day}`, DEFAULT_DATE_FORMAT);
}

/**
 * One partition per month, keyed by its first day `yyyy-MM-dd` (Dagster's
 * `MonthlyPartitionsDefinition`). Months start on day 1 unless `dayOffset` (1–28) says otherwise.
 *
 * @example
 * const monthly = monthlyPartitions({ start: '2024-01-01' });
 * monthly.timeWindowForKey('2024-02-01'); // 29 days: { start: 2024-02-01T00:00Z, end: 2024-03-01T00:00Z }
 */
export function monthlyPartitions<const O extends MonthlyPartitionsOptions>(options: O): TimeWindowPartitionsDefinition<PresetCadence<O, 'month'>> {
  const factory = 'monthlyPartitions';
  checkOptions(factory, options);
  const day = integerOption(factory, 'dayOffset', options.dayOffset, 1, 28, 1, ' (days 29–31 are missing in some months)');
  const hour = integerOption(factory, 'hourOffset', options.hourOffset, 0, 23, 0);
  const minute = integerOption(factory, 'minuteOffset', options.minuteOffset, 0, 59, 0);
  return preset<never>(factory, options, `${minute} ${hour} ${day} * *`, DEFAULT_DATE_FORMAT);
}

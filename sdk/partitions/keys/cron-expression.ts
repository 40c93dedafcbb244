import { PartitionsDefinitionError } from '../definition/partitions-definition-error';

/**
 * A parsed five-field cron expression (`minute hour day-of-month month day-of-week`), the values
 * each field allows, sorted. Stratum parses cron itself (no cron library) so this code stays
 * free of Node built-ins and can run inside Temporal workflows.
 *
 * Supported: `*`, `?` (day fields), numbers, ranges `1-5`, steps `*\/15` `1-30/5` `5/10`, lists
 * `1,15`, month names `JAN`–`DEC`, day names `SUN`–`SAT` (0 or 7 = Sunday), and the macros
 * `@hourly @daily @midnight @weekly @monthly @yearly @annually`. Like Vixie cron, when both
 * day-of-month and day-of-week are restricted a day matches if either matches.
 */
export interface CronExpression {
  /** The expression with macros expanded and fields separated by one space. */
  readonly source: string;
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: readonly number[];
  /** 1–12. */
  readonly months: readonly number[];
  /** 0–6, 0 = Sunday. */
  readonly daysOfWeek: readonly number[];
  /** Day-of-month field did not start with `*` or `?`. */
  readonly dayOfMonthRestricted: boolean;
  /** Day-of-week field did not start with `*` or `?`. */
  readonly dayOfWeekRestricted: boolean;
}

/** The cadences Stratum computes with calendar arithmetic; anything else is iterated day by day. */
export type CronShape =
  /** Every `intervalMinutes` (a divisor of 60), at minutes ≡ `minute` (mod interval), every hour of every day. */
  | { kind: 'every-minutes'; intervalMinutes: number; minute: number }
  | { kind: 'daily'; hour: number; minute: number }
  | { kind: 'weekly'; dayOfWeek: number; hour: number; minute: number }
  /** `dayOfMonth` is 1–28, so every month has it. */
  | { kind: 'monthly'; dayOfMonth: number; hour: number; minute: number }
  | { kind: 'general' };

/** Cron macros (`@daily`…) and the five fields each stands for. */
export const CRON_MACROS: Readonly<Record<string, string>> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  namesStart?: number;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, namesStart: 1 },
  { name: 'day-of-week', min: 0, max: 7, names: DAY_NAMES, namesStart: 0 },
];

const HINT = 'Use five fields "minute hour day-of-month month day-of-week", e.g. "0 0 * * *" for every day at midnight.';

/**
 * Parses a five-field cron expression; throws {@link PartitionsDefinitionError} naming the
 * faulty field.
 *
 * @example
 * parseCron('0 *\/6 * * *').hours; // [0, 6, 12, 18]
 */
export function parseCron(expression: string): CronExpression {
  const trimmed = expression.trim();
  const source = CRON_MACROS[trimmed.toLowerCase()] ?? trimmed;
  const parts = source.split(/\s+/).filter((p) => p.length > 0);
  if (parts.length !== 5) {
    const extra = parts.length === 6 ? ' Seconds are not supported: partitions are at least a minute long.' : '';
    throw new PartitionsDefinitionError(`Invalid cron "${expression}": expected 5 fields, got ${parts.length}.${extra} ${HINT}`);
  }
  const values = parts.map((part, i) => parseField(expression, part, FIELDS[i]!));
  const daysOfWeek = [...new Set(values[4]!.map((d) => d % 7))].sort((a, b) => a - b);
  return {
    source: parts.join(' '),
    minutes: values[0]!,
    hours: values[1]!,
    daysOfMonth: values[2]!,
    months: values[3]!,
    daysOfWeek,
    dayOfMonthRestricted: !/^[*?]/.test(parts[2]!),
    dayOfWeekRestricted: !/^[*?]/.test(parts[4]!),
  };
}

function parseField(expression: string, text: string, spec: FieldSpec): number[] {
  const fail = (why: string): never => {
    throw new PartitionsDefinitionError(`Invalid cron "${expression}": ${spec.name} field "${text}" ${why}. ${HINT}`);
  };
  const number = (token: string): number => {
    const upper = token.toUpperCase();
    const named = spec.names?.indexOf(upper) ?? -1;
    if (named >= 0) return named + (spec.namesStart ?? 0);
    if (!/^\d+$/.test(token)) fail(`has "${token}", which is not a number${spec.names ? ` or a name (${spec.names.join(' ')})` : ''}`);
    const n = Number(token);
    if (n < spec.min || n > spec.max) fail(`has ${n}, outside ${spec.min}-${spec.max}`);
    return n;
  };
  const out = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') fail('has an empty list item');
    if (/#|^L$|^LW$|\d[LW]$|^L-/i.test(item)) fail('uses L, W or #, which Stratum does not support');
    const [range, stepText, ...rest] = item.split('/');
    if (rest.length > 0) fail('has more than one "/"');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (stepText !== undefined && (!/^\d+$/.test(stepText) || step < 1)) fail(`has step "${stepText}", which is not a positive integer`);
    let low: number;
    let high: number;
    if (range === '*' || range === '?') {
      if (range === '?' && spec.name !== 'day-of-month' && spec.name !== 'day-of-week') fail('uses "?", which only day fields accept');
      low = spec.min;
      high = spec.name === 'day-of-week' ? 6 : spec.max;
    } else if (range!.includes('-')) {
      const [a, b, ...more] = range!.split('-');
      if (more.length > 0 || a === undefined || b === undefined) fail(`has "${range}", which is not a range`);
      low = number(a!);
      high = number(b!);
      if (low > high) fail(`has range ${range} that runs backwards`);
    } else {
      low = number(range!);
      high = stepText === undefined ? low : spec.name === 'day-of-week' ? 6 : spec.max;
    }
    for (let v = low; v <= high; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

/** True when a cron fires in every hour of the day (hour field `*`), as hourly schedules do. */
export function cronRepeatsEveryHour(cron: CronExpression): boolean {
  return cron.hours.length === 24;
}

/** True when the cron fires on a local date (month 1–12, weekday 0 = Sunday). */
export function cronMatchesDay(cron: CronExpression, month: number, day: number, weekday: number): boolean {
  if (!cron.months.includes(month)) return false;
  const dom = cron.daysOfMonth.includes(day);
  const dow = cron.daysOfWeek.includes(weekday);
  if (cron.dayOfMonthRestricted && cron.dayOfWeekRestricted) return dom || dow;
  return dom && dow;
}

/** Classifies a cron into a cadence that calendar arithmetic handles, or `general`. */
export function cronShape(cron: CronExpression): CronShape {
  const everyDay = cron.daysOfMonth.length === 31 && cron.months.length === 12 && cron.daysOfWeek.length === 7;
  if (everyDay && cron.hours.length === 24) {
    const first = cron.minutes[0]!;
    const interval = cron.minutes.length === 1 ? 60 : cron.minutes[1]! - first;
    const evenlySpaced = 60 % interval === 0 && cron.minutes.length === 60 / interval && cron.minutes.every((m, i) => m === first + i * interval);
    if (evenlySpaced) return { kind: 'every-minutes', intervalMinutes: interval, minute: first };
    return { kind: 'general' };
  }
  if (cron.minutes.length !== 1 || cron.hours.length !== 1) return { kind: 'general' };
  const hour = cron.hours[0]!;
  const minute = cron.minutes[0]!;
  if (everyDay) return { kind: 'daily', hour, minute };
  if (cron.months.length !== 12) return { kind: 'general' };
  if (cron.daysOfMonth.length === 31 && cron.daysOfWeek.length === 1) return { kind: 'weekly', dayOfWeek: cron.daysOfWeek[0]!, hour, minute };
  if (cron.daysOfWeek.length === 7 && cron.daysOfMonth.length === 1 && cron.daysOfMonth[0]! <= 28) {
    return { kind: 'monthly', dayOfMonth: cron.daysOfMonth[0]!, hour, minute };
  }
  return { kind: 'general' };
}

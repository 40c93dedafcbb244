import { CronExpressionParser } from 'cron-parser';
import { validateName } from '../../definitions/asset-key';
import { locationIdPrefix } from '../../protocol/location';
import { durationToMs, type Duration } from '../../definitions/duration';
import { InvalidScheduleError } from '../../errors';
import { AssetJobDefinition, JobDefinition, type AnyJobDefinition } from '../../definitions/job';
import type { RunConfigOf } from '../../definitions/run-config';
import { ZoneClock } from '../../partitions/keys/zone-clock';
import { CRON_MACROS } from '../../partitions/keys/cron-expression';

/**
 * What a schedule does when a tick comes while its previous run is still going (Temporal's
 * overlap policy): `skip` it, `buffer_one` (run it after; keep at most one waiting),
 * `buffer_all` (run every tick, one after the other), `cancel_other` / `terminate_other` (stop
 * the running one first), `allow_all` (run them side by side).
 */
export const ScheduleOverlap = {
  skip: 'skip',
  bufferOne: 'buffer_one',
  bufferAll: 'buffer_all',
  cancelOther: 'cancel_other',
  terminateOther: 'terminate_other',
  allowAll: 'allow_all',
} as const;
/** See {@link ScheduleOverlap}. */
export type ScheduleOverlap = (typeof ScheduleOverlap)[keyof typeof ScheduleOverlap];

/** Whether `stratum deploy` creates the schedule running or paused (later deploys keep what a user chose). */
export type ScheduleStatus = 'running' | 'stopped';

/** Options of {@link schedule} shared by both kinds of target. */
export interface ScheduleOptionsBase {
  /** Unique among the definitions' schedules; the Temporal Schedule id is `stratum/schedule/<name>`. */
  name: string;
  /**
   * Five-field cron (`minute hour day-of-month month day-of-week`) or a macro (`@hourly`,
   * `@daily`, `@weekly`, `@monthly`, `@yearly`), read in `timezone`. Give this or `every`;
   * a partitioned schedule without either ticks at its partitions' cadence.
   */
  cron?: string;
  /** Fixed interval (at least `'1s'`), for sub-minute cadences: `every: '10s'`. */
  every?: Duration;
  /** IANA time zone the cron is read in. Default `UTC` (a partitioned schedule: its partitions' zone). */
  timezone?: string;
  /**
   * Run config by step, as for `stratum materialize --config`; checked against the steps' schemas
   * when definitions load. Typed (node name → the op's `z.input`) for an op job given by reference.
   */
  config?: Record<string, unknown>;
  /** Tags recorded with every run. */
  tags?: Record<string, string>;
  /**
   * Run the partition whose time window the tick closes, worked out from the tick's nominal
   * time (so late and backfilled ticks get the right partition). The target's partitioned
   * assets must share one time-window cadence.
   */
  partitioned?: boolean;
  /** Default `'buffer_all'` for partitioned schedules (every partition runs), `'skip'` otherwise (Temporal's default). */
  overlap?: ScheduleOverlap;
  /** How far back missed ticks are still run after the cluster was unavailable. Default: Temporal's (one year). */
  catchupWindow?: Duration;
  /** Status when `stratum deploy` first creates it. Default `'running'`. */
  defaultStatus?: ScheduleStatus;
  description?: string;
}

/**
 * Options of {@link schedule}: a job (by reference, or by name as an escape hatch) or an asset
 * selection, and a cadence. A job given by reference types `config` from its ops' zod schemas.
 */
export type ScheduleOptions<TJob extends AnyJobDefinition | string = AnyJobDefinition | string> = Omit<ScheduleOptionsBase, 'config'> &
  (
    | { job: TJob; selection?: never; config?: RunConfigOf<TJob> }
    | { selection: string; job?: never; config?: Record<string, unknown> }
  );

/** What a schedule runs. */
export type ScheduleTarget = { job: string } | { selection: string };

/** How often a schedule ticks: a cron in a zone, or a fixed interval. */
export type ScheduleCadence = { kind: 'cron'; cron: string; timezone: string } | { kind: 'interval'; everyMs: number };

const OVERLAPS = Object.values(ScheduleOverlap) as readonly string[];

/**
 * A schedule: runs a job or an asset selection on a cron or an interval, as one Temporal
 * Schedule (`stratum/schedule/<name>`) that `stratum deploy` keeps in line with the code.
 * Made by {@link schedule}; checked against the rest of the code location when `Definitions`
 * loads (the target exists, config fits, partitions suit `partitioned`).
 */
export class ScheduleDefinition {
  readonly name: string;
  readonly target: ScheduleTarget;
  /** The cron as given, macros expanded; null for `every` or a partitioned schedule taking its partitions' cadence. */
  readonly cron: string | null;
  /** `every` in milliseconds, or null. */
  readonly everyMs: number | null;
  /** The `timezone` option, or null when not given. */
  readonly timezone: string | null;
  readonly config: Record<string, unknown>;
  readonly tags: Record<string, string>;
  readonly partitioned: boolean;
  readonly overlap: ScheduleOverlap;
  readonly catchupWindowMs: number | null;
  readonly defaultStatus: ScheduleStatus;
  readonly description: string | null;

  constructor(readonly options: ScheduleOptions) {
    if (typeof options !== 'object' || options === null) throw new InvalidScheduleError('schedule()', 'needs an options object, e.g. schedule({ name: "daily_sales", job: dailySales, cron: "0 6 * * *" })');
    const name = String(options.name);
    try {
      validateName(options.name, 'schedule');
    } catch (error) {
      throw new InvalidScheduleError(`schedule ${JSON.stringify(options.name)}`, (error as Error).message.replace(/\.$/, ''));
    }
    const fail = (detail: string): never => {
      throw new InvalidScheduleError(`schedule "${name}"`, detail);
    };
    this.name = name;
    this.target = targetOf(options, fail);
    this.partitioned = options.partitioned ?? false;
    if (typeof this.partitioned !== 'boolean') fail('partitioned must be true or false');
    if (options.cron !== undefined && options.every !== undefined) fail('give either cron or every, not both');
    if (options.cron === undefined && options.every === undefined && !this.partitioned) {
      fail('says when to run with cron (e.g. cron: "0 6 * * *") or every (e.g. every: "10s"); only a partitioned schedule may leave both out');
    }
    this.timezone = options.timezone ?? null;
    if (this.timezone !== null && (typeof this.timezone !== 'string' || !ZoneClock.isValid(this.timezone))) {
      fail(`timezone "${String(this.timezone)}" is not an IANA time zone; use a name such as "UTC", "America/New_York" or "Europe/Berlin"`);
    }
    if (options.every !== undefined && this.timezone !== null) fail('timezone only applies to cron; an interval (every) ticks in absolute time');
    this.cron = options.cron === undefined ? null : validateScheduleCron(options.cron, this.timezone ?? 'UTC', `schedule "${name}"`);
    this.everyMs = options.every === undefined ? null : everyOf(options.every, fail);
    this.config = { ...(options.config ?? {}) };
    if (typeof this.config !== 'object' || Array.isArray(options.config)) fail('config must be an object keyed by step');
    this.tags = { ...(options.tags ?? {}) };
    for (const [key, value] of Object.entries(this.tags)) if (typeof value !== 'string') fail(`tag "${key}" must be a string, got ${typeof value}`);
    this.overlap = options.overlap ?? (this.partitioned ? 'buffer_all' : 'skip');
    if (!OVERLAPS.includes(this.overlap)) fail(`overlap "${String(this.overlap)}" is not one of ${OVERLAPS.map((o) => `'${o}'`).join(', ')}`);
    this.catchupWindowMs = options.catchupWindow === undefined ? null : durationOf(options.catchupWindow, 'catchupWindow', fail);
    if (this.catchupWindowMs !== null && this.catchupWindowMs < 10_000) fail('catchupWindow must be at least 10s (Temporal\'s minimum)');
    this.defaultStatus = options.defaultStatus ?? 'running';
    if (this.defaultStatus !== 'running' && this.defaultStatus !== 'stopped') fail(`defaultStatus must be 'running' or 'stopped', got ${JSON.stringify(this.defaultStatus)}`);
    this.description = options.description ?? null;
  }

  /** Temporal Schedule id: `stratum/schedule/<name>`. */
  get scheduleId(): string {
    return scheduleIdOf(this.name);
  }
}

/**
 * Defines a schedule: a job or an asset selection run on a cron or a fixed interval.
 *
 * @example
 * schedule({ name: 'daily_sales', job: dailySales, cron: '0 6 * * *', timezone: 'Europe/Berlin' });
 * schedule({ name: 'nightly_etl', job: etlJob, cron: '0 2 * * *', config: { extract: { source: 'db' } } }); // config typed by etlJob's ops
 * schedule({ name: 'events_daily', selection: 'group:events', partitioned: true }); // ticks at the partitions' cadence
 * schedule({ name: 'heartbeat', selection: 'ops/heartbeat', every: '10s' });
 */
export function schedule<TJob extends AnyJobDefinition | string = AnyJobDefinition | string>(options: ScheduleOptions<TJob>): ScheduleDefinition {
  return new ScheduleDefinition(options as ScheduleOptions);
}

/** Temporal Schedule id of a schedule. */
export function scheduleIdOf(name: string, location?: string): string {
  return `${locationIdPrefix(location)}schedule/${name}`;
}

/**
 * Checks a cron string the way Temporal Schedules will read it, and returns it with macros
 * expanded. Refused: anything but five fields (Temporal reads a sixth field as a *year*, not
 * seconds), `@every` and `CRON_TZ=` (use the `every` and `timezone` options), and syntax
 * cron-parser rejects.
 */
export function validateScheduleCron(cron: string, timezone: string, owner: string): string {
  const fail = (detail: string): never => {
    throw new InvalidScheduleError(owner, detail);
  };
  if (typeof cron !== 'string') fail(`cron must be a string such as "0 6 * * *", got ${typeof cron}`);
  const trimmed = cron.trim();
  if (/^@every\b/i.test(trimmed)) fail(`cron "${cron}": write an interval as every: '${trimmed.slice(6).trim() || '10s'}' instead of @every`);
  if (/^CRON_TZ=|^TZ=/i.test(trimmed)) fail(`cron "${cron}": give the time zone with the timezone option, e.g. timezone: 'Europe/Berlin'`);
  const expanded = CRON_MACROS[trimmed.toLowerCase()] ?? trimmed;
  if (expanded.startsWith('@')) fail(`cron "${cron}" is not a known macro; use one of ${Object.keys(CRON_MACROS).join(', ')} or five fields`);
  const fields = expanded.split(/\s+/).filter((f) => f !== '');
  if (fields.length === 6) {
    fail(
      `cron "${cron}" has six fields. Temporal Schedules read a sixth field as a year, not seconds, so this would not do what it seems. Use five fields "minute hour day-of-month month day-of-week"; for a sub-minute cadence use every: '10s' instead of cron`,
    );
  }
  if (fields.length !== 5) fail(`cron "${cron}" has ${fields.length} field${fields.length === 1 ? '' : 's'}; use five: "minute hour day-of-month month day-of-week", e.g. "0 6 * * *" for every day at 06:00`);
  const unsupported = fields.find((f) => /[LW#H]/i.test(f.replace(/\b(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|SUN|MON|TUE|WED|THU|FRI|SAT)\b/gi, '')));
  if (unsupported !== undefined) fail(`cron "${cron}": field "${unsupported}" uses L, W, # or H, which Stratum schedules do not support; list the values instead`);
  const normalized = fields.join(' ');
  try {
    CronExpressionParser.parse(normalized, { tz: timezone });
  } catch (error) {
    fail(`cron "${cron}" is not valid: ${(error as Error).message}. Use five fields "minute hour day-of-month month day-of-week", e.g. "*/15 * * * *"`);
  }
  return normalized;
}

function targetOf(options: ScheduleOptions, fail: (detail: string) => never): ScheduleTarget {
  const hasJob = options.job !== undefined;
  const hasSelection = options.selection !== undefined;
  if (hasJob === hasSelection) return fail('needs a target: give job (a job definition or its name) or selection (e.g. "group:sales"), not both');
  if (hasSelection) {
    if (typeof options.selection !== 'string' || options.selection.trim() === '') return fail('selection must be a non-empty selection string such as "*" or "group:sales"');
    return { selection: options.selection.trim() };
  }
  const job = options.job;
  if (typeof job === 'string') return { job };
  if (job instanceof JobDefinition || job instanceof AssetJobDefinition) return { job: job.name };
  return fail('job must be a job definition (job() or assetJob()) or a job name');
}

function durationOf(value: Duration, option: string, fail: (detail: string) => never): number {
  try {
    return durationToMs(value, option);
  } catch (error) {
    return fail((error as Error).message.replace(/\.$/, ''));
  }
}

function everyOf(value: Duration, fail: (detail: string) => never): number {
  const ms = durationOf(value, 'every', fail);
  if (ms < 1_000 || ms % 1_000 !== 0) fail(`every must be a whole number of seconds, at least '1s' (Temporal Schedules tick at most once a second), got ${JSON.stringify(value)}`);
  return ms;
}

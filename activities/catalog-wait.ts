import { Context } from '@temporalio/activity';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Catalog } from '../sdk/catalog';
import { CatalogError } from '../sdk/catalog/errors';
import { durationToMs, type Duration } from '../sdk/definitions/duration';

/**
 * Waiting out a catalog outage. Stratum's activities reach the catalog only through the catalog
 * {@link waitForCatalog} returns: a call that fails because the catalog cannot be reached right
 * now (PostgreSQL refusing connections, restarting or shutting down; SQLite busy or locked) is
 * tried again with capped exponential backoff until it succeeds or the outage has lasted longer
 * than the tolerance. Only the catalog call is repeated, never the activity: a step whose
 * function succeeded and whose value is stored keeps waiting to record it, heartbeating, instead
 * of failing and running the user's function again. Any other error (a constraint violation, bad
 * SQL, an invalid input) fails at once. Every catalog write is idempotent, so repeating one whose
 * commit was cut off halfway is safe.
 */

/** Catalog outage tolerance when neither `catalogOutageTolerance` nor `STRATUM_CATALOG_WAIT` says otherwise. */
export const DEFAULT_CATALOG_OUTAGE_TOLERANCE: Duration = '5m';

/** The environment variable that sets the tolerance of `stratum worker` and `createWorker`. */
export const CATALOG_WAIT_ENV = 'STRATUM_CATALOG_WAIT';

/** The first pause after a failed catalog call; it doubles after each failure up to {@link MAX_BACKOFF_MS}. */
const INITIAL_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 5_000;

/** Where the wait is reported: a Temporal logger, or anything with `warn`. */
export interface CatalogWaitLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
}

/** Options of {@link waitForCatalog}. */
export interface CatalogWaitOptions {
  /** How long one call may keep waiting for the catalog, in ms; 0 does not wait. */
  toleranceMs: number;
  /** Used outside an activity; inside one, the activity's logger (the worker log) is used. Default `console`. */
  logger?: CatalogWaitLogger;
}

/**
 * The catalog stayed unreachable (or busy) for longer than the worker's catalog outage tolerance.
 * The activity fails and Temporal retries it per its policy.
 */
export class CatalogUnavailableError extends CatalogError {
  readonly code = 'STRATUM_CATALOG_UNAVAILABLE';
  constructor(method: string, waitedMs: number, cause: unknown) {
    super(
      `The catalog did not answer ${method} for ${formatMs(waitedMs)} (last error: ${describe(cause)}). ` +
        `Check that the catalog database is running and reachable from this worker; to wait longer, raise createWorker({ catalogOutageTolerance }) or ${CATALOG_WAIT_ENV}.`,
      { cause },
    );
  }
}

/**
 * The tolerance in ms: `option` when given, else `STRATUM_CATALOG_WAIT` (a duration such as
 * `'10m'`, or milliseconds), else {@link DEFAULT_CATALOG_OUTAGE_TOLERANCE}. `0` turns waiting off.
 *
 * @example
 * catalogOutageToleranceMs('10m'); // 600000
 * catalogOutageToleranceMs(undefined, { STRATUM_CATALOG_WAIT: '30s' }); // 30000
 */
export function catalogOutageToleranceMs(option?: Duration, env: NodeJS.ProcessEnv = process.env): number {
  if (option !== undefined) return durationToMs(option, 'catalogOutageTolerance');
  const fromEnv = env[CATALOG_WAIT_ENV]?.trim();
  if (fromEnv) return /^\d+$/.test(fromEnv) ? Number(fromEnv) : durationToMs(fromEnv as Duration, CATALOG_WAIT_ENV);
  return durationToMs(DEFAULT_CATALOG_OUTAGE_TOLERANCE, 'catalogOutageTolerance');
}

/** Every method of a {@link Catalog} but `close`, which the wrapper passes through as it is. */
type CatalogMethod = Exclude<{ [K in keyof Catalog]: Catalog[K] extends (...args: never[]) => unknown ? K : never }[keyof Catalog], 'close'>;

/** Whether each catalog method reads or writes (the compiler insists that every method is listed). */
const CATALOG_METHODS: Record<CatalogMethod, 'read' | 'write'> = {
  recordRunStarted: 'write',
  recordRunFinished: 'write',
  recordMaterialization: 'write',
  recordMaterializations: 'write',
  recordAssetPartitionFailed: 'write',
  recordObservation: 'write',
  appendLogs: 'write',
  addDynamicPartitions: 'write',
  deleteDynamicPartitions: 'write',
  prune: 'write',
  reserveSensorRunKeys: 'write',
  releaseSensorRunKey: 'write',
  setSensorCursor: 'write',
  deleteSensorState: 'write',
  registerSensorWatches: 'write',
  recordCheckResult: 'write',
  storePlan: 'write',
  recordRunSteps: 'write',
  getRun: 'read',
  listRuns: 'read',
  latestMaterialization: 'read',
  materializationHistory: 'read',
  runMaterializations: 'read',
  listAssets: 'read',
  latestVersions: 'read',
  observedVersions: 'read',
  observationHistory: 'read',
  partitionStatuses: 'read',
  partitionStatus: 'read',
  partitionSummary: 'read',
  runLogs: 'read',
  dynamicPartitionKeys: 'read',
  sensorRunKey: 'read',
  sensorCursor: 'read',
  sensorWatchers: 'read',
  runStatusWatchers: 'read',
  latestCheckResults: 'read',
  checkHistory: 'read',
  runCheckResults: 'read',
  planPage: 'read',
};

/**
 * `catalog`, with every call (the bookkeeping writes, and the lookups a step makes before it runs
 * the user's function) waiting out transient failures for up to `toleranceMs`. The first failure
 * of an outage and the recovery are logged as warnings; inside an activity the wait heartbeats and
 * stops when the activity is cancelled. `close` closes `catalog`.
 *
 * @example
 * const catalog = waitForCatalog(await openCatalog(url), { toleranceMs: catalogOutageToleranceMs('10m') });
 */
export function waitForCatalog(catalog: Catalog, options: CatalogWaitOptions): Catalog {
  const outage = new OutageReport(options);
  const wrapped: Partial<Record<keyof Catalog, unknown>> = { dialect: catalog.dialect, location: catalog.location, close: () => catalog.close() };
  for (const method of Object.keys(CATALOG_METHODS) as CatalogMethod[]) {
    const call = (catalog[method] as (...args: unknown[]) => Promise<unknown>).bind(catalog);
    wrapped[method] = (...args: unknown[]) => callWaiting(method, () => call(...args), options.toleranceMs, outage);
  }
  return wrapped as Catalog;
}

/**
 * Whether `error` means "the catalog cannot be reached right now": a refused, reset or timed-out
 * connection; a PostgreSQL connection exception (SQLSTATE class 08), administrator or crash
 * shutdown, or "the database system is starting up" (57P01, 57P02, 57P03, 57P05); SQLite busy
 * or locked. Looks through `cause` and the errors of an `AggregateError`.
 */
export function isTransientCatalogError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  if (error instanceof CatalogError) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(code) || POSTGRES_UNAVAILABLE.has(code)) return true;
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return true;
  }
  const message = (error as { message?: unknown }).message;
  if (typeof message === 'string' && POSTGRES_CONNECTION_MESSAGE.test(message)) return true;
  if (error instanceof AggregateError && error.errors.some((e) => isTransientCatalogError(e, depth + 1))) return true;
  return isTransientCatalogError((error as { cause?: unknown }).cause, depth + 1);
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN']);
/** admin_shutdown, crash_shutdown, cannot_connect_now, idle_session_timeout (57P04, database_dropped, is not transient). */
const POSTGRES_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '57P05']);
/** What node-postgres throws without a code when a connection dies or cannot be made in time. */
const POSTGRES_CONNECTION_MESSAGE = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable)/;

async function callWaiting<T>(method: CatalogMethod, call: () => Promise<T>, toleranceMs: number, outage: OutageReport): Promise<T> {
  const activity = currentActivity();
  let firstFailureAt: number | null = null;
  let backoff = INITIAL_BACKOFF_MS;
  let heartbeat: NodeJS.Timeout | undefined;
  try {
    for (;;) {
      try {
        const result = await call();
        if (firstFailureAt !== null) outage.recovered(method, Date.now() - firstFailureAt, activity);
        return result;
      } catch (error) {
        if (!isTransientCatalogError(error) || toleranceMs <= 0) throw error;
        const now = Date.now();
        firstFailureAt ??= now;
        const waited = now - firstFailureAt;
        if (waited >= toleranceMs) throw new CatalogUnavailableError(method, waited, error);
        outage.failed(method, error, toleranceMs, activity);
        // Local activities (steps with executionMode 'local', run bookkeeping) cannot heartbeat: their own timeout bounds the wait.
        if (activity && !activity.info.isLocal && heartbeat === undefined) {
          // Heartbeat through the whole wait (a connection attempt may itself take seconds), so Temporal does not time the activity out.
          const every = Math.max(100, Math.min((activity.info.heartbeatTimeoutMs ?? 15_000) / 3, 5_000));
          heartbeat = setInterval(() => activity.heartbeat(), every);
          heartbeat.unref();
          activity.heartbeat();
        }
        const pause = Math.min(backoff * (0.8 + Math.random() * 0.4), toleranceMs - waited);
        // Context.sleep rejects when the activity is cancelled (a cancelled run, or a timed-out attempt), ending the wait.
        await (activity ? activity.sleep(pause) : sleep(pause));
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  } finally {
    if (heartbeat !== undefined) clearInterval(heartbeat);
  }
}

/** Logs an outage once when it starts and once when the catalog answers again, however many calls wait on it. */
class OutageReport {
  private since: number | null = null;
  private waiting = new Set<string>();

  constructor(private readonly options: CatalogWaitOptions) {}

  failed(method: CatalogMethod, error: unknown, toleranceMs: number, activity: Context | null): void {
    this.waiting.add(method);
    if (this.since !== null) return;
    this.since = Date.now();
    this.logger(activity).warn(
      `Catalog unavailable (${describe(error)}) during ${method}: waiting for it up to ${formatMs(toleranceMs)} ` +
        `(createWorker({ catalogOutageTolerance }) or ${CATALOG_WAIT_ENV}); only the catalog call is retried, steps are not run again.`,
      { catalogMethod: method, catalogCall: CATALOG_METHODS[method] },
    );
  }

  recovered(method: CatalogMethod, waitedMs: number, activity: Context | null): void {
    if (this.since === null) return;
    const outageMs = Date.now() - this.since;
    this.since = null;
    const calls = [...this.waiting];
    this.waiting.clear();
    this.logger(activity).warn(`Catalog available again after ${formatMs(outageMs)}: ${method} went through after waiting ${formatMs(waitedMs)} (waiting calls: ${calls.join(', ')}).`, {
      catalogMethod: method,
      catalogOutageMs: outageMs,
    });
  }

  private logger(activity: Context | null): CatalogWaitLogger {
    return activity?.log ?? this.options.logger ?? console;
  }
}

function currentActivity(): Context | null {
  try {
    return Context.current();
  } catch {
    return null;
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors.map((e) => describe(e)).join('; ');
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return error.message || (typeof code === 'string' ? code : error.name);
  }
  return String(error);
}

function formatMs(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

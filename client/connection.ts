import { Client, Connection, type TLSConfig } from '@temporalio/client';
import { loadClientConfigProfile, toClientOptions } from '@temporalio/envconfig';
import { findRunningDevServer, startDevServer, type DevServerOptions } from '../cli/dev/dev-server';
import { looksLikeServer } from '../cli/dev/dev-server-process';
import { readDevServerState } from '../cli/dev/dev-server-state';
import { parseAddress, tcpReachable } from '../cli/dev/ports';
import { stratumHome } from '../sdk/definitions/settings';
import { StratumError } from '../sdk/errors';

/** Where Stratum connects to Temporal, and where that setting came from. */
export interface TemporalTarget {
  /** Front-end address, `host:port`. */
  address: string;
  /** Namespace runs are started in. */
  namespace: string;
  /** TLS settings; `true` for TLS with system roots, absent or `false` for plain TCP. */
  tls?: TLSConfig | boolean;
  /** API key (sent as `Authorization: Bearer …`; implies TLS unless TLS is disabled explicitly). */
  apiKey?: string;
  /** Extra gRPC metadata (`TEMPORAL_GRPC_META_*`, profile `grpc_meta`). */
  metadata?: Record<string, string>;
  /**
   * `env`: `TEMPORAL_ADDRESS`; `profile`: a profile of the Temporal config file
   * (`TEMPORAL_CONFIG_FILE`, default `~/.config/temporalio/temporal.toml`, chosen by
   * `TEMPORAL_PROFILE`); `local-dev-server`: the project's dev server; `option`: an address given
   * in code (`StratumClient.connect({ address })`).
   */
  source: 'env' | 'profile' | 'local-dev-server' | 'option';
}

/** Options shared by the functions that read the environment. */
export interface TemporalEnvOptions {
  /** Environment to read instead of `process.env` (tests). */
  env?: NodeJS.ProcessEnv;
}

/** Options for {@link resolveTemporalTarget}. */
export interface ResolveTemporalTargetOptions extends TemporalEnvOptions {
  /** Start a detached local dev server when nothing is configured and none is running. */
  startLocalIfNeeded: boolean;
  /** Receives progress lines, e.g. "Started Temporal dev server at …". */
  log?: (line: string) => void;
  /**
   * Stratum home whose `data/` holds the dev server's state and database. Default: `STRATUM_HOME`
   * from `env`, else `.stratum` under the working directory (see `stratumHome`).
   */
  stratumHome?: string;
  /** Overrides for the dev server started when needed (e.g. `port: 0` in tests). */
  devServer?: Omit<DevServerOptions, 'detached' | 'stratumHome' | 'log'>;
  /** How long to wait for a configured server to answer. Default 10 s. */
  timeoutMs?: number;
}

/** Result of {@link resolveTemporalTarget}. */
export interface ResolvedTemporalTarget {
  target: TemporalTarget;
  /** Web UI of the local dev server; null for configured clusters (their UI is not known). */
  uiUrl: string | null;
  /** True when this call started the local dev server. */
  startedServer: boolean;
}

/** The Temporal server did not answer in time. */
export class TemporalUnreachableError extends StratumError {
  /** Stable error code. */
  readonly code = 'STRATUM_TEMPORAL_UNREACHABLE';

  constructor(
    readonly address: string,
    readonly source: TemporalTarget['source'],
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`[STRATUM_TEMPORAL_UNREACHABLE] Cannot reach the Temporal server at ${address}: ${detail}. ${unreachableAdvice(address, source)}`, options);
    this.name = 'TemporalUnreachableError';
  }
}

function unreachableAdvice(address: string, source: TemporalTarget['source']): string {
  switch (source) {
    case 'env':
      return (
        `Check TEMPORAL_ADDRESS (${address}) and that a server is running there (e.g. \`temporal server start-dev\`), ` +
        'or unset TEMPORAL_ADDRESS to let Stratum start its embedded dev server.'
      );
    case 'profile':
      return (
        `The address comes from a Temporal config file profile (TEMPORAL_PROFILE / TEMPORAL_CONFIG_FILE / ~/.config/temporalio/temporal.toml): ` +
        'check the profile and that the server is running, or remove the profile address to use the embedded dev server.'
      );
    case 'local-dev-server':
      return 'The local dev server stopped answering; stop it (stopDevServer / `stratum dev stop`) and start it again.';
    case 'option':
      return `Check the address given in code (${address}) and that a Temporal server is running there.`;
  }
}

/** The Temporal config file or its environment variables are invalid. */
export class TemporalConfigError extends StratumError {
  /** Stable error code. */
  readonly code = 'STRATUM_TEMPORAL_CONFIG_INVALID';

  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      `[STRATUM_TEMPORAL_CONFIG_INVALID] Cannot read the Temporal connection settings: ${detail}. ` +
        'Check TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE and the TLS variables (TEMPORAL_TLS_*).',
      options,
    );
    this.name = 'TemporalConfigError';
  }
}

/** No Temporal server is configured and no local dev server is running, and starting one was not requested. */
export class TemporalNotConfiguredError extends StratumError {
  /** Stable error code. */
  readonly code = 'STRATUM_TEMPORAL_NOT_CONFIGURED';

  constructor() {
    super(
      '[STRATUM_TEMPORAL_NOT_CONFIGURED] No Temporal server is configured and no local dev server is running. ' +
        'Set TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE) to use a cluster, or start the local dev server with `stratum dev`.',
    );
    this.name = 'TemporalNotConfiguredError';
  }
}

/** Environment without empty values: `TEMPORAL_ADDRESS=` counts as unset. */
function nonEmptyEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') result[key] = value;
  }
  return result;
}

/**
 * The Temporal server the user configured, read with `@temporalio/envconfig` the way the
 * Temporal CLI and SDKs read it: `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`,
 * `TEMPORAL_TLS*`, `TEMPORAL_GRPC_META_*`, and the profile named by `TEMPORAL_PROFILE`
 * (default `default`) in `TEMPORAL_CONFIG_FILE` (default `~/.config/temporalio/temporal.toml`).
 *
 * @returns the target, or null when no address is configured anywhere.
 * @throws TemporalConfigError when the config file cannot be parsed or the named profile is missing.
 */
export function configuredTemporalTarget(options: TemporalEnvOptions = {}): TemporalTarget | null {
  const env = nonEmptyEnv(options.env ?? process.env);
  let connect: ReturnType<typeof toClientOptions>;
  try {
    connect = toClientOptions(loadClientConfigProfile({ overrideEnvVars: env }));
  } catch (error) {
    throw new TemporalConfigError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  const { address, tls, apiKey, metadata } = connect.connectionOptions;
  if (!address) return null;
  const target: TemporalTarget = {
    address,
    namespace: connect.namespace ?? 'default',
    source: env['TEMPORAL_ADDRESS'] !== undefined ? 'env' : 'profile',
  };
  if (tls !== undefined && tls !== null) target.tls = tls;
  if (apiKey !== undefined) target.apiKey = apiKey;
  if (metadata !== undefined && Object.keys(metadata).length > 0) target.metadata = { ...metadata } as Record<string, string>;
  return target;
}

/** Plain TCP is enough to tell "nothing listens there" quickly, unless a proxy sits in between. */
function proxyConfigured(): boolean {
  return ['grpc_proxy', 'https_proxy', 'http_proxy', 'GRPC_PROXY', 'HTTPS_PROXY', 'HTTP_PROXY'].some((key) => !!process.env[key]);
}

/** `promise`, or {@link TIMED_OUT} after `timeoutMs`; a result arriving later goes to `onLateResult` (to close it). */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, onLateResult: (value: T) => void): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      resolve(TIMED_OUT);
    }, timeoutMs);
  });
  promise.then(
    (value) => {
      if (timedOut) onLateResult(value);
    },
    () => undefined,
  );
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
/** What {@link withTimeout} resolves with when time ran out. */
export const TIMED_OUT = Symbol('timed out');

/** Throws {@link TemporalUnreachableError} at once when nothing accepts TCP connections at `target` (skipped behind a proxy). */
export async function failFastIfClosed(target: TemporalTarget, timeoutMs: number): Promise<void> {
  if (proxyConfigured()) return;
  const { host, port } = parseAddress(target.address);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new TemporalUnreachableError(target.address, target.source, 'the address has no valid port (expected host:port)');
  }
  if (!(await tcpReachable(host, port, Math.min(timeoutMs, 5_000)))) {
    throw new TemporalUnreachableError(target.address, target.source, 'nothing accepts TCP connections there');
  }
}

/** The message of an error, or the value as text. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Connect a `@temporalio/client` {@link Client} to `target`, failing within `timeoutMs`
 * (default 10 s) with {@link TemporalUnreachableError} instead of hanging.
 */
export async function connectClient(
  target: TemporalTarget,
  options: { timeoutMs?: number } = {},
): Promise<{ connection: Connection; client: Client }> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  await failFastIfClosed(target, timeoutMs);
  let connection: Connection;
  try {
    const connecting = Connection.connect({
      address: target.address,
      ...(target.tls !== undefined ? { tls: target.tls } : {}),
      ...(target.apiKey !== undefined ? { apiKey: target.apiKey } : {}),
      ...(target.metadata !== undefined ? { metadata: target.metadata } : {}),
      connectTimeout: timeoutMs,
    });
    const result = await withTimeout(connecting, timeoutMs + 1_000, (late) => void late.close().catch(() => undefined));
    if (result === TIMED_OUT) throw new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`);
    connection = result;
  } catch (error) {
    if (error instanceof TemporalUnreachableError) throw error;
    throw new TemporalUnreachableError(target.address, target.source, errorText(error), { cause: error });
  }
  return { connection, client: new Client({ connection, namespace: target.namespace }) };
}

/** Connect, ask for system info and the namespace, disconnect. */
async function checkTarget(target: TemporalTarget, timeoutMs: number): Promise<void> {
  const { connection } = await connectClient(target, { timeoutMs });
  try {
    await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
  } catch (error) {
    throw new TemporalUnreachableError(target.address, target.source, errorText(error), { cause: error });
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/**
 * Decide which Temporal server a Stratum command uses:
 * 1. the configured one ({@link configuredTemporalTarget}), which must answer;
 * 2. else the project's running local dev server ({@link findRunningDevServer});
 * 3. else, with `startLocalIfNeeded`, a new detached local dev server (persistent database
 *    `<stratumHome>/data/temporal.db`, web UI on).
 *
 * @throws TemporalUnreachableError when the configured server does not answer.
 * @throws TemporalNotConfiguredError when nothing is configured or running and `startLocalIfNeeded` is false.
 *
 * @example
 * ```ts
 * const { target, uiUrl } = await resolveTemporalTarget({ startLocalIfNeeded: true, log: console.error });
 * const { client, connection } = await connectClient(target);
 * ```
 */
export async function resolveTemporalTarget(opts: ResolveTemporalTargetOptions): Promise<ResolvedTemporalTarget> {
  const log = opts.log ?? (() => undefined);
  const home = opts.stratumHome ?? stratumHome(opts.env ?? process.env);
  const configured = configuredTemporalTarget(opts.env !== undefined ? { env: opts.env } : {});
  if (configured !== null) {
    await checkTarget(configured, opts.timeoutMs ?? 10_000);
    return { target: configured, uiUrl: null, startedServer: false };
  }

  const recorded = readDevServerState(home);
  const running = await findRunningDevServer(home);
  if (running !== null) {
    return {
      target: { address: running.address, namespace: running.namespace, source: 'local-dev-server' },
      uiUrl: running.uiUrl,
      startedServer: false,
    };
  }

  if (!opts.startLocalIfNeeded) throw new TemporalNotConfiguredError();

  // A recorded server whose process is gone stopped (killed, crashed, machine restarted): say so, not just "started".
  const stopped = recorded !== null && recorded !== 'invalid' && !looksLikeServer(recorded.pid) ? recorded : null;
  if (stopped !== null) {
    log(`The Temporal dev server this project started at ${stopped.address} (pid ${stopped.pid}${stopped.startedAt ? `, started ${stopped.startedAt}` : ''}) has stopped; starting a new one.`);
  }
  const server = await startDevServer({ ...opts.devServer, detached: true, stratumHome: home, log });
  log(`Started Temporal dev server at ${server.address}` + (server.uiUrl !== null ? ` (web UI ${server.uiUrl})` : '') + '.');
  if (stopped !== null) {
    if (stopped.dbFile === null) log('The stopped server kept its history in memory: its workflows are gone from Temporal (the catalog still lists their runs).');
    else if (stopped.dbFile === server.dbFile) log(`It uses the same database file, ${server.dbFile}: the stopped server's workflows and their history are there, and running ones go on.`);
    else log(`The stopped server's workflows and their history are in ${stopped.dbFile}.`);
  }
  return {
    target: { address: server.address, namespace: server.namespace, source: 'local-dev-server' },
    uiUrl: server.uiUrl,
    startedServer: true,
  };
}

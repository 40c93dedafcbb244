import * as path from 'node:path';
import { stratumHome } from '../../sdk/definitions/settings';
import { searchAttributeDeclarations } from '../../sdk/protocol/search-attributes';
import { defaultDevServerDbFile } from './dev-server-state';
import { pickFreePort } from './ports';

/**
 * Dynamic config Stratum's dev server always gets: eager activity execution hands a step to the
 * worker in the reply to the workflow task that scheduled it, which removes tens of ms of
 * task-queue latency per step (`npm run bench -- overhead` shows it).
 */
export const DEFAULT_DYNAMIC_CONFIG: Readonly<Record<string, unknown>> = {
  'system.enableActivityEagerExecution': true,
};

/** Options for `startDevServer`. */
export interface DevServerOptions {
  /** Front-end gRPC port. Default 7233; `0` picks a free port. */
  port?: number;
  /**
   * Web UI port. Default `port + 1000`; with `port: 0` (or `uiPort: 0`) a free port is picked.
   * Ignored when `headless`.
   */
  uiPort?: number;
  /** IP address the server binds to. Default `127.0.0.1`. */
  ip?: string;
  /**
   * SQLite file that persists workflows across restarts. Default
   * `<stratumHome>/data/temporal.db`; `null` keeps everything in memory.
   */
  dbFile?: string | null;
  /** Disable the web UI. Default false. */
  headless?: boolean;
  /** Namespace to create and check. Default `default` (always created by the dev server). */
  namespace?: string;
  /** Dynamic config, passed as `--dynamic-config-value K=JSON`, e.g. `{ 'limit.historyCount.suggestContinueAsNew': 100 }`. */
  dynamicConfig?: Record<string, unknown>;
  /** Receives Stratum's progress lines (not the server's own output). */
  log?: (line: string) => void;
  /** Server log level: debug, info, warn, error, never. Default `error`. */
  logLevel?: string;
  /**
   * Run the server in its own session, outliving this process: output goes to
   * `<stratumHome>/data/temporal-server.log` and `<stratumHome>/data/dev-server.json` records it
   * for `findRunningDevServer` and `stopDevServer`.
   */
  detached?: boolean;
  /**
   * Stratum home whose `data/` holds the database, log and state file. Default
   * {@link stratumHome}: `STRATUM_HOME`, else `.stratum` under the working directory.
   */
  stratumHome?: string;
  /** Temporal CLI executable. Default: `findOrBuildTemporalCli()` (see temporal-binary.ts). */
  cliPath?: string;
  /** `Name=Type` search attributes to register. Default: Stratum's {@link searchAttributeDeclarations}. */
  searchAttributes?: readonly string[];
  /** How long to wait for the server to answer. Default 60 s. */
  startTimeoutMs?: number;
}

/** A running dev server started by `startDevServer`. */
export interface DevServer {
  /** Front-end address, `host:port`. */
  address: string;
  /** Web UI URL, or null when headless. */
  uiUrl: string | null;
  /** Namespace created and checked at start. */
  namespace: string;
  /**
   * Process id of the server; null only when the server was started through the SDK's
   * download fallback on a platform where its process cannot be identified.
   */
  pid: number | null;
  /** SQLite file, or null when in memory. */
  dbFile: string | null;
  /** Stop the server: SIGTERM, wait up to 10 s, then SIGKILL. Idempotent. */
  stop(): Promise<void>;
}

/** {@link DevServerOptions} with every default applied and free ports picked. */
export interface ResolvedOptions {
  ip: string;
  connectHost: string;
  port: number;
  uiPort: number | null;
  namespace: string;
  dbFile: string | null;
  logLevel: string;
  detached: boolean;
  stratumHome: string;
  searchAttributes: readonly string[];
  dynamicConfig: Record<string, unknown>;
  startTimeoutMs: number;
  log: (line: string) => void;
}

/** Apply the defaults of {@link DevServerOptions}, validate ports and pick free ones where asked. */
export async function resolveOptions(opts: DevServerOptions): Promise<ResolvedOptions> {
  const ip = opts.ip ?? '127.0.0.1';
  const connectHost = ip === '0.0.0.0' ? '127.0.0.1' : ip === '::' ? '::1' : ip;
  const home = path.resolve(opts.stratumHome ?? stratumHome());
  const requestedPort = opts.port ?? 7233;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new RangeError(`DevServerOptions.port must be an integer from 0 to 65535, got ${requestedPort}.`);
  }
  const port = requestedPort === 0 ? await pickFreePort(ip) : requestedPort;
  let uiPort: number | null = null;
  if (!opts.headless) {
    if (opts.uiPort === 0 || (opts.uiPort === undefined && requestedPort === 0)) uiPort = await pickFreePort(ip);
    else uiPort = opts.uiPort ?? port + 1000;
    if (!Number.isInteger(uiPort) || uiPort <= 0 || uiPort > 65535) {
      throw new RangeError(`DevServerOptions.uiPort must be an integer from 1 to 65535, got ${uiPort}.`);
    }
  }
  const dbFile = opts.dbFile === null ? null : path.resolve(opts.dbFile ?? defaultDevServerDbFile(home));
  return {
    ip,
    connectHost,
    port,
    uiPort,
    namespace: opts.namespace ?? 'default',
    dbFile,
    logLevel: opts.logLevel ?? 'error',
    detached: opts.detached ?? false,
    stratumHome: home,
    searchAttributes: opts.searchAttributes ?? searchAttributeDeclarations,
    dynamicConfig: { ...DEFAULT_DYNAMIC_CONFIG, ...(opts.dynamicConfig ?? {}) },
    startTimeoutMs: opts.startTimeoutMs ?? 60_000,
    log: opts.log ?? (() => undefined),
  };
}

/** The `temporal server start-dev …` arguments for resolved options. */
export function serverArgs(o: ResolvedOptions): string[] {
  const args = ['server', 'start-dev', '--ip', o.ip, '--port', String(o.port), '--log-level', o.logLevel];
  if (o.namespace !== 'default') args.push('--namespace', o.namespace);
  if (o.uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(o.uiPort));
  if (o.dbFile !== null) args.push('--db-filename', o.dbFile);
  for (const declaration of o.searchAttributes) args.push('--search-attribute', declaration);
  for (const [key, value] of Object.entries(o.dynamicConfig)) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  return args;
}

import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeDeclarations } from '../../sdk/protocol/search-attributes';
import {
  defaultProjectRoot,
  findOrBuildTemporalCli,
  TemporalCliNotFoundError,
  temporalCliDownloadAllowed,
  temporalCliDownloadDir,
} from './temporal-binary';

/** Options for {@link startDevServer}. */
/**
 * Dynamic config Stratum's dev server always gets: eager activity execution hands a step to the
 * worker in the reply to the workflow task that scheduled it, which removes tens of ms of
 * task-queue latency per step (`npm run bench -- overhead` shows it).
 */
export const DEFAULT_DYNAMIC_CONFIG: Readonly<Record<string, unknown>> = {
  'system.enableActivityEagerExecution': true,
};

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
   * `<projectRoot>/.stratum/data/temporal.db`; `null` keeps everything in memory.
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
   * `.stratum/data/temporal-server.log` and `.stratum/data/dev-server.json` records it for
   * {@link findRunningDevServer} and {@link stopDevServer}.
   */
  detached?: boolean;
  /** Project whose `.stratum/data` holds the database, log and state file. Default: the Stratum repository root. */
  projectRoot?: string;
  /** Temporal CLI executable. Default: {@link findOrBuildTemporalCli}. */
  cliPath?: string;
  /** `Name=Type` search attributes to register. Default: Stratum's {@link searchAttributeDeclarations}. */
  searchAttributes?: readonly string[];
  /** How long to wait for the server to answer. Default 60 s. */
  startTimeoutMs?: number;
}

/** A running dev server started by {@link startDevServer}. */
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

/** What `.stratum/data/dev-server.json` records about a detached dev server. */
export interface DevServerState {
  pid: number;
  address: string;
  uiUrl: string | null;
  namespace: string;
  dbFile: string | null;
  startedAt: string;
  logFile: string;
  cliPath: string;
}

/** A detached dev server found by {@link findRunningDevServer}. */
export interface RunningDevServer {
  address: string;
  uiUrl: string | null;
  pid: number;
  namespace: string;
  dbFile: string | null;
  startedAt: string;
}

/** The dev server did not start or did not answer in time; the message includes its last output lines. */
export class DevServerStartError extends Error {
  /** Stable error code. */
  readonly code = 'STRATUM_DEV_SERVER_START_FAILED';

  constructor(detail: string, serverOutput: readonly string[], options?: { cause?: unknown }) {
    super(
      `[STRATUM_DEV_SERVER_START_FAILED] The Temporal dev server did not start: ${detail}` +
        (serverOutput.length > 0 ? `\nThe server's output (first and last lines):\n  ${serverOutput.join('\n  ')}` : ''),
      options,
    );
    this.name = 'DevServerStartError';
  }
}

/** The port the dev server should listen on is taken by another process. */
export class DevServerPortInUseError extends Error {
  /** Stable error code. */
  readonly code = 'STRATUM_DEV_SERVER_PORT_IN_USE';

  constructor(
    readonly host: string,
    readonly port: number,
    what: 'gRPC' | 'web UI',
  ) {
    super(
      `[STRATUM_DEV_SERVER_PORT_IN_USE] Cannot start the Temporal dev server: ${what} port ${port} on ${host} is already in use. ` +
        (what === 'gRPC'
          ? `If a Temporal server is already running there, set TEMPORAL_ADDRESS=${formatAddress(host, port)} to use it; otherwise stop the process holding the port or choose another port.`
          : 'Stop the process holding the port, choose another UI port, or run headless.'),
    );
    this.name = 'DevServerPortInUseError';
  }
}

/** A detached dev server for this project is already running. */
export class DevServerAlreadyRunningError extends Error {
  /** Stable error code. */
  readonly code = 'STRATUM_DEV_SERVER_ALREADY_RUNNING';

  constructor(readonly running: RunningDevServer) {
    super(
      `[STRATUM_DEV_SERVER_ALREADY_RUNNING] A Stratum dev server is already running for this project at ${running.address} (pid ${running.pid}). ` +
        'Use it (findRunningDevServer) or stop it first (stopDevServer).',
    );
    this.name = 'DevServerAlreadyRunningError';
  }
}

/** A search attribute Stratum needs exists on the server with another type. */
export class SearchAttributeConflictError extends Error {
  /** Stable error code. */
  readonly code = 'STRATUM_SEARCH_ATTRIBUTE_CONFLICT';

  constructor(conflicts: readonly { name: string; expected: string; actual: string }[], namespace: string, address: string) {
    super(
      `[STRATUM_SEARCH_ATTRIBUTE_CONFLICT] Search attribute(s) on ${address} (namespace ${namespace}) have the wrong type: ` +
        conflicts.map((c) => `${c.name} is ${c.actual}, Stratum needs ${c.expected}`).join('; ') +
        '. Search attribute types cannot be changed; remove the attribute with ' +
        '`temporal operator search-attribute remove`, or delete the dev server database (.stratum/data/temporal.db).',
    );
    this.name = 'SearchAttributeConflictError';
  }
}

/** Search attribute type names the CLI takes, with their `IndexedValueType` proto numbers. */
const INDEXED_VALUE_TYPES: Readonly<Record<string, number>> = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
};

const INDEXED_VALUE_TYPE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(INDEXED_VALUE_TYPES).map(([name, value]) => [value, name]),
);

// ---------------------------------------------------------------------------------------------
// Paths

/** `<projectRoot>/.stratum/data`. */
export function devServerDataDir(projectRoot: string = defaultProjectRoot()): string {
  return path.join(path.resolve(projectRoot), '.stratum', 'data');
}

/** State file recording a detached dev server: `<projectRoot>/.stratum/data/dev-server.json`. */
export function devServerStateFile(projectRoot?: string): string {
  return path.join(devServerDataDir(projectRoot), 'dev-server.json');
}

/** Log file of a detached dev server: `<projectRoot>/.stratum/data/temporal-server.log`. */
export function devServerLogFile(projectRoot?: string): string {
  return path.join(devServerDataDir(projectRoot), 'temporal-server.log');
}

/** Default persistent database: `<projectRoot>/.stratum/data/temporal.db`. */
export function defaultDevServerDbFile(projectRoot?: string): string {
  return path.join(devServerDataDir(projectRoot), 'temporal.db');
}

// ---------------------------------------------------------------------------------------------
// Network helpers (also used by connection.ts)

/** `host:port`, with IPv6 hosts in brackets. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Split `host:port` / `[v6]:port` / `host` (port 7233). */
export function parseAddress(address: string): { host: string; port: number } {
  const trimmed = address.trim().replace(/^[a-z]+:\/\//i, '');
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  if (v6) return { host: v6[1] ?? '', port: v6[2] ? Number(v6[2]) : 7233 };
  const colon = trimmed.lastIndexOf(':');
  if (colon > 0 && trimmed.indexOf(':') === colon) {
    return { host: trimmed.slice(0, colon), port: Number(trimmed.slice(colon + 1)) };
  }
  return { host: trimmed, port: 7233 };
}

/** Whether a TCP connection to `host:port` can be opened within `timeoutMs`. */
export function tcpReachable(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A port that was free on `host` a moment ago (the OS picks it). */
export function pickFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error(`could not pick a free port on ${host}`))));
    });
  });
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Whether a process exists (zombies count as gone). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
  } catch {
    // No /proc (macOS) or the process just went away: trust kill(0).
  }
  return true;
}

/** The command line of `pid` where the platform exposes it (Linux), else null. */
function processCommandLine(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return null;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether `promise` settles within `ms`; the timer is cleared either way so it never holds the process open. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether a Temporal front end answers at `address` (plain TCP, no TLS): TCP connect, then
 * `GetSystemInfo` and `DescribeNamespace(namespace)` within `timeoutMs`.
 */
export async function devServerAnswers(address: string, namespace = 'default', timeoutMs = 3_000): Promise<boolean> {
  const { host, port } = parseAddress(address);
  const deadline = Date.now() + timeoutMs;
  if (!(await tcpReachable(host, port, timeoutMs))) return false;
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({
      address,
      connectTimeout: Math.max(250, deadline - Date.now()),
      interceptors: [], // no retries: a probe answers now or not at all
    });
    const conn = connection;
    await conn.withDeadline(Math.max(Date.now() + 250, deadline), async () => {
      await conn.workflowService.getSystemInfo({});
      await conn.workflowService.describeNamespace({ namespace });
    });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// Search attributes

function parseDeclarations(declarations: readonly string[]): { name: string; type: string }[] {
  return declarations.map((declaration) => {
    const [name, type] = declaration.split('=');
    if (!name || !type || INDEXED_VALUE_TYPES[type] === undefined) {
      throw new TypeError(
        `Invalid search attribute declaration "${declaration}": expected Name=Type with Type one of ${Object.keys(INDEXED_VALUE_TYPES).join(', ')}.`,
      );
    }
    return { name, type };
  });
}

/**
 * Make sure every `Name=Type` search attribute exists on the server, adding missing ones.
 *
 * Needed beyond `--search-attribute`: on an existing database `temporal server start-dev`
 * v1.5.1 silently ignores search attributes that were not there when the database was
 * created, and silently keeps the old type on a type change.
 *
 * @returns the names that were added.
 * @throws SearchAttributeConflictError when an attribute exists with another type.
 */
export async function ensureSearchAttributes(
  connection: Connection,
  namespace: string,
  declarations: readonly string[],
  address = 'the server',
): Promise<string[]> {
  const wanted = parseDeclarations(declarations);
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = { ...(listed.customAttributes ?? {}), ...(listed.systemAttributes ?? {}) } as Record<string, number>;
  const conflicts: { name: string; expected: string; actual: string }[] = [];
  const missing: Record<string, number> = {};
  for (const { name, type } of wanted) {
    const actual = existing[name];
    if (actual === undefined) missing[name] = INDEXED_VALUE_TYPES[type] as number;
    else if (actual !== INDEXED_VALUE_TYPES[type]) {
      conflicts.push({ name, expected: type, actual: INDEXED_VALUE_TYPE_NAMES[actual] ?? String(actual) });
    }
  }
  if (conflicts.length > 0) throw new SearchAttributeConflictError(conflicts, namespace, address);
  const names = Object.keys(missing);
  if (names.length === 0) return [];
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  // Visibility reads the registry through a cache; wait until the new names show.
  for (let attempt = 0; attempt < 50; attempt++) {
    const after = await connection.operatorService.listSearchAttributes({ namespace });
    if (names.every((name) => after.customAttributes?.[name] !== undefined)) return names;
    await sleep(200);
  }
  throw new Error(`Added search attributes ${names.join(', ')} on ${address}, but they did not appear within 10 s.`);
}

// ---------------------------------------------------------------------------------------------
// State file

function readState(projectRoot: string): DevServerState | null | 'invalid' {
  let text: string;
  try {
    text = fs.readFileSync(devServerStateFile(projectRoot), 'utf8');
  } catch {
    return null;
  }
  try {
    const state = JSON.parse(text) as Partial<DevServerState>;
    if (typeof state.pid !== 'number' || typeof state.address !== 'string') return 'invalid';
    return {
      pid: state.pid,
      address: state.address,
      uiUrl: typeof state.uiUrl === 'string' ? state.uiUrl : null,
      namespace: typeof state.namespace === 'string' ? state.namespace : 'default',
      dbFile: typeof state.dbFile === 'string' ? state.dbFile : null,
      startedAt: typeof state.startedAt === 'string' ? state.startedAt : '',
      logFile: typeof state.logFile === 'string' ? state.logFile : devServerLogFile(projectRoot),
      cliPath: typeof state.cliPath === 'string' ? state.cliPath : '',
    };
  } catch {
    return 'invalid';
  }
}

function removeState(projectRoot: string, pid?: number): void {
  const file = devServerStateFile(projectRoot);
  if (pid !== undefined) {
    const current = readState(projectRoot);
    if (current !== null && current !== 'invalid' && current.pid !== pid) return; // someone else's now
  }
  fs.rmSync(file, { force: true });
}

function writeState(projectRoot: string, state: DevServerState): void {
  const file = devServerStateFile(projectRoot);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/** Whether `pid` may be the recorded server: alive, and (where visible) a `temporal` process. */
function looksLikeServer(pid: number): boolean {
  if (!processAlive(pid)) return false;
  const commandLine = processCommandLine(pid);
  return commandLine === null || /temporal/i.test(commandLine);
}

/**
 * The detached dev server recorded in `<projectRoot>/.stratum/data/dev-server.json`, if it
 * is alive and answering. A state file whose process is gone (or is now another program)
 * is removed.
 */
export async function findRunningDevServer(
  projectRoot: string = defaultProjectRoot(),
  options: { timeoutMs?: number } = {},
): Promise<RunningDevServer | null> {
  const state = readState(projectRoot);
  if (state === null) return null;
  if (state === 'invalid') {
    removeState(projectRoot);
    return null;
  }
  if (!looksLikeServer(state.pid)) {
    removeState(projectRoot, state.pid);
    return null;
  }
  if (!(await devServerAnswers(state.address, state.namespace, options.timeoutMs ?? 3_000))) {
    // Alive but silent: still starting, or hung. Leave the file; stopDevServer can clean up.
    return null;
  }
  const { pid, address, uiUrl, namespace, dbFile, startedAt } = state;
  return { pid, address, uiUrl, namespace, dbFile, startedAt };
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!processAlive(pid)) return true;
    await sleep(100);
  }
  return !processAlive(pid);
}

async function terminate(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  if (await waitForExit(pid, 10_000)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  await waitForExit(pid, 5_000);
}

/**
 * Stop the detached dev server recorded in the project's state file (SIGTERM, up to 10 s,
 * then SIGKILL) and remove the file.
 *
 * @returns true when a server was stopped, false when none was running.
 */
export async function stopDevServer(
  projectRoot: string = defaultProjectRoot(),
  options: { log?: (line: string) => void } = {},
): Promise<boolean> {
  const state = readState(projectRoot);
  if (state === null) return false;
  if (state === 'invalid' || !looksLikeServer(state.pid)) {
    removeState(projectRoot);
    return false;
  }
  options.log?.(`Stopping the Temporal dev server at ${state.address} (pid ${state.pid})…`);
  await terminate(state.pid);
  removeState(projectRoot, state.pid);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Start

interface ResolvedOptions {
  ip: string;
  connectHost: string;
  port: number;
  uiPort: number | null;
  namespace: string;
  dbFile: string | null;
  logLevel: string;
  detached: boolean;
  projectRoot: string;
  searchAttributes: readonly string[];
  dynamicConfig: Record<string, unknown>;
  startTimeoutMs: number;
  log: (line: string) => void;
}

async function resolveOptions(opts: DevServerOptions): Promise<ResolvedOptions> {
  const ip = opts.ip ?? '127.0.0.1';
  const connectHost = ip === '0.0.0.0' ? '127.0.0.1' : ip === '::' ? '::1' : ip;
  const projectRoot = path.resolve(opts.projectRoot ?? defaultProjectRoot());
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
  const dbFile = opts.dbFile === null ? null : path.resolve(opts.dbFile ?? defaultDevServerDbFile(projectRoot));
  return {
    ip,
    connectHost,
    port,
    uiPort,
    namespace: opts.namespace ?? 'default',
    dbFile,
    logLevel: opts.logLevel ?? 'error',
    detached: opts.detached ?? false,
    projectRoot,
    searchAttributes: opts.searchAttributes ?? searchAttributeDeclarations,
    dynamicConfig: { ...DEFAULT_DYNAMIC_CONFIG, ...(opts.dynamicConfig ?? {}) },
    startTimeoutMs: opts.startTimeoutMs ?? 60_000,
    log: opts.log ?? (() => undefined),
  };
}

function serverArgs(o: ResolvedOptions): string[] {
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

const OUTPUT_HEAD_LINES = 8;
const OUTPUT_TAIL_LINES = 30;

/**
 * The first and last lines of a process's output: a start-up error is often at the top
 * (flag errors are followed by the whole usage text), a crash at the bottom.
 */
function summarizeOutput(head: readonly string[], tail: readonly string[], total: number): string[] {
  const omitted = total - head.length - tail.length;
  if (omitted <= 0) return [...head, ...tail];
  return [...head, `… (${omitted} lines omitted)`, ...tail];
}

/** Keeps the first and last lines a process printed. */
class OutputCapture {
  private readonly head: string[] = [];
  private readonly tail: string[] = [];
  private total = 0;
  private partial = '';

  push(chunk: Buffer | string): void {
    const parts = (this.partial + chunk.toString()).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.add(line);
  }

  private add(line: string): void {
    const trimmed = line.trimEnd();
    if (trimmed.length === 0) return;
    this.total += 1;
    if (this.head.length < OUTPUT_HEAD_LINES) {
      this.head.push(trimmed);
      return;
    }
    this.tail.push(trimmed);
    if (this.tail.length > OUTPUT_TAIL_LINES) this.tail.shift();
  }

  get(): string[] {
    if (this.partial.trim()) {
      this.add(this.partial);
      this.partial = '';
    }
    return summarizeOutput(this.head, this.tail, this.total);
  }
}

function fileOutput(file: string, fromOffset: number): string[] {
  try {
    const capture = new OutputCapture();
    capture.push(fs.readFileSync(file).subarray(fromOffset));
    return capture.get();
  } catch {
    return [];
  }
}

/** Connect to a freshly started server and check it: namespace answers, search attributes present. */
async function verifyServer(o: ResolvedOptions, address: string): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 10_000 });
  try {
    const added = await ensureSearchAttributes(connection, o.namespace, o.searchAttributes, address);
    if (added.length > 0) o.log(`Registered search attributes on the dev server: ${added.join(', ')}`);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/**
 * Start a local `temporal server start-dev`, wait until it answers, and make sure Stratum's
 * search attributes are registered.
 *
 * With `detached: true` the server outlives this process, writes its output to
 * `.stratum/data/temporal-server.log`, and is recorded in `.stratum/data/dev-server.json`
 * (see {@link findRunningDevServer}, {@link stopDevServer}).
 *
 * When no CLI binary can be found or built (see {@link findOrBuildTemporalCli}) and
 * {@link temporalCliDownloadAllowed}, a non-detached server is started through
 * `TestWorkflowEnvironment.createLocal()`, which downloads the CLI.
 *
 * @example
 * ```ts
 * const server = await startDevServer({ port: 0, dbFile: null, headless: true });
 * try {
 *   // connect to server.address
 * } finally {
 *   await server.stop();
 * }
 * ```
 */
export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const o = await resolveOptions(opts);

  if (o.detached) {
    const running = await findRunningDevServer(o.projectRoot);
    if (running !== null) throw new DevServerAlreadyRunningError(running);
  }
  if (!(await portFree(o.ip, o.port))) throw new DevServerPortInUseError(o.ip, o.port, 'gRPC');
  if (o.uiPort !== null && !(await portFree(o.ip, o.uiPort))) throw new DevServerPortInUseError(o.ip, o.uiPort, 'web UI');
  if (o.dbFile !== null) {
    try {
      fs.mkdirSync(path.dirname(o.dbFile), { recursive: true });
    } catch (error) {
      throw new DevServerStartError(
        `cannot create the directory of the database file ${o.dbFile} (${error instanceof Error ? error.message : String(error)}); choose another dbFile`,
        [],
        { cause: error },
      );
    }
  }

  let cliPath = opts.cliPath;
  if (cliPath === undefined) {
    try {
      cliPath = await findOrBuildTemporalCli({ log: o.log });
    } catch (error) {
      if (!(error instanceof TemporalCliNotFoundError) || error.reason !== 'not-found' || !temporalCliDownloadAllowed()) throw error;
      if (o.detached) {
        throw new TemporalCliNotFoundError(
          'a detached (background) dev server needs a local Temporal CLI binary; the download fallback runs the server only inside this process.',
          { cause: error },
        );
      }
      return startWithSdkDownload(o, error);
    }
  }
  return spawnServer(o, cliPath);
}

async function spawnServer(o: ResolvedOptions, cliPath: string): Promise<DevServer> {
  const address = formatAddress(o.connectHost, o.port);
  const uiUrl = o.uiPort === null ? null : `http://${formatAddress(o.connectHost, o.uiPort)}`;
  const args = serverArgs(o);
  const started = Date.now();

  const output = new OutputCapture();
  let child: ChildProcess;
  let logFile: string | null = null;
  let logOffset = 0;
  if (o.detached) {
    logFile = devServerLogFile(o.projectRoot);
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    fs.appendFileSync(logFile, `\n=== ${new Date().toISOString()} ${cliPath} ${args.join(' ')}\n`);
    logOffset = fs.statSync(logFile).size;
    const fd = fs.openSync(logFile, 'a');
    try {
      child = spawn(cliPath, args, { detached: true, stdio: ['ignore', fd, fd] });
    } finally {
      fs.closeSync(fd);
    }
  } else {
    child = spawn(cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
  }
  const outputTail = (): string[] => (logFile !== null ? fileOutput(logFile, logOffset) : output.get());

  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let spawnError: Error | null = null;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
    child.once('error', (error) => {
      spawnError = error;
      exited ??= { code: null, signal: null };
      resolve();
    });
  });
  // A non-detached server must not outlive this process, even when it exits abruptly.
  const killOnExit = (): void => {
    if (exited === null) child.kill('SIGKILL');
  };
  if (!o.detached) process.once('exit', killOnExit);

  const kill = async (): Promise<void> => {
    if (exited !== null) return;
    child.kill('SIGTERM');
    if (!(await settlesWithin(exitPromise, 10_000)) && exited === null) {
      child.kill('SIGKILL');
      await settlesWithin(exitPromise, 5_000);
    }
  };

  try {
    const deadline = started + o.startTimeoutMs;
    for (;;) {
      if (exited !== null) {
        const { code, signal } = exited as { code: number | null; signal: NodeJS.Signals | null };
        const why = spawnError ? `could not run ${cliPath}: ${(spawnError as Error).message}` : `the process exited with ${signal ?? `code ${code}`}`;
        throw new DevServerStartError(`${why} (command: ${cliPath} ${args.join(' ')})`, outputTail());
      }
      if (await devServerAnswers(address, o.namespace, 2_000)) break;
      if (Date.now() > deadline) {
        throw new DevServerStartError(
          `no answer at ${address} within ${Math.round(o.startTimeoutMs / 1000)} s (command: ${cliPath} ${args.join(' ')})`,
          outputTail(),
        );
      }
      await sleep(150);
    }
    await verifyServer(o, address);
  } catch (error) {
    await kill();
    if (!o.detached) process.removeListener('exit', killOnExit);
    throw error;
  }

  const pid = child.pid as number;
  const readyMs = Date.now() - started;
  o.log(`Temporal dev server answering at ${address} after ${(readyMs / 1000).toFixed(1)} s (pid ${pid}).`);

  if (o.detached) {
    writeState(o.projectRoot, {
      pid,
      address,
      uiUrl,
      namespace: o.namespace,
      dbFile: o.dbFile,
      startedAt: new Date().toISOString(),
      logFile: logFile as string,
      cliPath,
    });
    child.unref();
  }

  let stopping: Promise<void> | null = null;
  return {
    address,
    uiUrl,
    namespace: o.namespace,
    pid,
    dbFile: o.dbFile,
    stop(): Promise<void> {
      stopping ??= (async () => {
        await kill();
        if (!o.detached) process.removeListener('exit', killOnExit);
        else removeState(o.projectRoot, pid);
      })();
      return stopping;
    },
  };
}

/** Pid of a child process of this process running `start-dev` on `port` (Linux only). */
function findSdkServerPid(port: number): number | null {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const commandLine = processCommandLine(Number(entry)) ?? '';
      if (commandLine.includes('start-dev') && commandLine.includes(String(port))) return Number(entry);
    } catch {
      // raced with an exiting process
    }
  }
  return null;
}

/** Last resort: let `@temporalio/testing` download the CLI and run the server in this process. */
async function startWithSdkDownload(o: ResolvedOptions, notFound: TemporalCliNotFoundError): Promise<DevServer> {
  o.log('No local Temporal CLI; trying to download one through @temporalio/testing (set STRATUM_TEMPORAL_CLI_DOWNLOAD=0 to disable)…');
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const extraArgs: string[] = [];
  for (const declaration of o.searchAttributes) extraArgs.push('--search-attribute', declaration);
  for (const [key, value] of Object.entries(o.dynamicConfig)) {
    extraArgs.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  let env: Awaited<ReturnType<typeof TestWorkflowEnvironment.createLocal>>;
  try {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'cached-download', downloadDir: temporalCliDownloadDir(o.projectRoot), ttl: '30d' },
        ip: o.ip,
        port: o.port,
        ui: o.uiPort !== null,
        ...(o.uiPort !== null ? { uiPort: o.uiPort } : {}),
        namespace: o.namespace,
        ...(o.dbFile !== null ? { dbFilename: o.dbFile } : {}),
        log: { format: 'pretty', level: o.logLevel },
        extraArgs,
      },
    });
  } catch (error) {
    throw new TemporalCliNotFoundError(
      `${notFound.message.split('\n')[0]?.replace(/^\[[A-Z_]+\] No Temporal CLI binary is available: /, '')} ` +
        `The download fallback failed too (${error instanceof Error ? error.message : String(error)}); it needs internet access.`,
      { cause: error },
    );
  }
  const address = formatAddress(o.connectHost, o.port);
  try {
    await verifyServer(o, address);
  } catch (error) {
    await env.teardown().catch(() => undefined);
    throw error;
  }
  let stopping: Promise<void> | null = null;
  return {
    address,
    uiUrl: o.uiPort === null ? null : `http://${formatAddress(o.connectHost, o.uiPort)}`,
    namespace: o.namespace,
    pid: findSdkServerPid(o.port),
    dbFile: o.dbFile,
    stop(): Promise<void> {
      stopping ??= env.teardown();
      return stopping;
    },
  };
}

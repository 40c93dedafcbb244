import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { userCacheDir } from '../../../sdk/definitions/settings';

/**
 * The Temporal server release the cluster harness builds and runs. Its module has no `replace`
 * directive, so `go install go.temporal.io/server/cmd/server@v1.29.1` works outside a module.
 */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';

/** Go module of the server; its folder in Go's module cache holds the schema and sample configs. */
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';

/** The two programs built: `server` (temporal-server) and `sql` (temporal-sql-tool). */
const PACKAGES = {
  server: `${TEMPORAL_SERVER_MODULE}/cmd/server`,
  sql: `${TEMPORAL_SERVER_MODULE}/cmd/tools/sql`,
} as const;

const EXE = process.platform === 'win32' ? '.exe' : '';

/** A lock older than this is considered abandoned even if its owner still looks alive. */
const BUILD_LOCK_MAX_AGE_MS = 45 * 60_000;

/** Where the built server lives and where its module's schema and configs are. */
export interface TemporalServerBinaries {
  /** Absolute path of `server` (temporal-server). */
  server: string;
  /** Absolute path of `sql` (temporal-sql-tool). */
  sqlTool: string;
  /**
   * The module's folder in Go's module cache, `$(go env GOMODCACHE)/go.temporal.io/server@v1.29.1`:
   * `schema/postgresql/v12/{temporal,visibility}/versioned`, `config/development-postgres12.yaml`,
   * `config/dynamicconfig/`.
   */
  moduleDir: string;
  /** Version built ({@link TEMPORAL_SERVER_VERSION}). */
  version: string;
}

/** Options of {@link findOrBuildTemporalServer}. */
export interface TemporalServerBuildOptions {
  /** Receives progress lines. Default: no output. */
  log?: (line: string) => void;
  /** Per-user cache holding `temporal-server-v1.29.1/`. Default {@link userCacheDir} (`STRATUM_CACHE_DIR`, `$XDG_CACHE_HOME/stratum`, `~/.cache/stratum`). */
  cacheDir?: string;
  /** Environment for `go` and the cache location. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** Building or locating the Temporal server failed; the message says what to fix. */
export class TemporalServerBuildError extends Error {
  /** Stable error code. */
  readonly code = 'STRATUM_TEMPORAL_SERVER_BUILD_FAILED';

  constructor(detail: string, goOutputTail: readonly string[] = []) {
    super(
      `[STRATUM_TEMPORAL_SERVER_BUILD_FAILED] The Temporal server ${TEMPORAL_SERVER_VERSION} for the cluster tests is not available: ${detail}\n` +
        (goOutputTail.length > 0 ? `Last lines of Go's output:\n  ${goOutputTail.join('\n  ')}\n` : '') +
        'It is built with `go install` (Go >= 1.25 on PATH, network access to the Go module proxy on first use): ' +
        'fix that and run `node scripts/ensure-temporal-server.js` again.',
    );
    this.name = 'TemporalServerBuildError';
  }
}

/** `<cacheDir>/temporal-server-v1.29.1`: GOBIN of the build, named by version so a new one is built beside the old. */
export function cachedTemporalServerDir(cacheDir: string = userCacheDir()): string {
  return path.join(path.resolve(cacheDir), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findGo(env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env['PATH'] ?? '').split(path.delimiter).filter((d) => d.length > 0)) {
    const candidate = path.resolve(dir, `go${EXE}`);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the build lock, or returns null while another live process holds it. */
function tryAcquireLock(lockFile: string): (() => void) | null {
  try {
    const fd = fs.openSync(lockFile, 'wx');
    fs.writeSync(fd, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
    fs.closeSync(fd);
    return () => fs.rmSync(lockFile, { force: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  let stale = false;
  try {
    const owner = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { pid?: unknown };
    stale = typeof owner.pid !== 'number' || !pidAlive(owner.pid) || Date.now() - fs.statSync(lockFile).mtimeMs > BUILD_LOCK_MAX_AGE_MS;
  } catch {
    stale = true;
  }
  if (!stale) return null;
  fs.rmSync(lockFile, { force: true });
  return tryAcquireLock(lockFile);
}

async function goInstall(goPath: string, pkg: string, binDir: string, log: (line: string) => void, env: NodeJS.ProcessEnv): Promise<void> {
  const tail: string[] = [];
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(goPath, ['install', `${pkg}@${TEMPORAL_SERVER_VERSION}`], { env: { ...env, GOBIN: binDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        const trimmed = line.trimEnd();
        if (trimmed.length === 0) continue;
        log(`  go: ${trimmed.replace(/^go: /, '')}`);
        tail.push(trimmed);
        if (tail.length > 30) tail.shift();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const heartbeat = setInterval(() => log(`  still building ${pkg} (${Math.round((Date.now() - started) / 1000)} s)…`), 30_000);
    child.on('error', (error) => {
      clearInterval(heartbeat);
      reject(new TemporalServerBuildError(`could not run ${goPath}: ${error.message}`, tail));
    });
    child.on('close', (code, signal) => {
      clearInterval(heartbeat);
      if (code === 0) resolve();
      else reject(new TemporalServerBuildError(`\`go install ${pkg}@${TEMPORAL_SERVER_VERSION}\` exited with ${signal ?? `code ${code}`}`, tail));
    });
  });
  log(`Built ${pkg}@${TEMPORAL_SERVER_VERSION} in ${Math.round((Date.now() - started) / 1000)} s.`);
}

/**
 * The server module's folder in Go's module cache: `go mod download -json` prints it (instantly
 * when `go install` already fetched the module, downloading it otherwise).
 */
function moduleDirOf(goPath: string, env: NodeJS.ProcessEnv): string {
  const result = spawnSync(goPath, ['mod', 'download', '-json', `${TEMPORAL_SERVER_MODULE}@${TEMPORAL_SERVER_VERSION}`], {
    encoding: 'utf8',
    env,
    timeout: 300_000,
    cwd: path.resolve(cachedTemporalServerDir(userCacheDir(env)), '..'),
  });
  let dir: string | undefined;
  try {
    dir = (JSON.parse(result.stdout) as { Dir?: string }).Dir;
  } catch {
    // not JSON: reported below
  }
  if (!dir || !fs.existsSync(path.join(dir, 'schema', 'postgresql', 'v12'))) {
    throw new TemporalServerBuildError(
      `\`go mod download -json ${TEMPORAL_SERVER_MODULE}@${TEMPORAL_SERVER_VERSION}\` did not give the module's folder (exit ${String(result.status)}): ${(result.stderr || result.stdout).trim().slice(-500)}`,
    );
  }
  return dir;
}

/**
 * Finds the Temporal server ({@link TEMPORAL_SERVER_VERSION}) and temporal-sql-tool in the
 * per-user cache (`<cacheDir>/temporal-server-v1.29.1/{server,sql}`), building whichever is
 * missing with `go install …@v1.29.1` (GOBIN that folder; Go keeps its module and build caches, so
 * a rebuild is quick), and locates the module's folder with its schema and configs. A lock file
 * makes concurrent callers wait for one build.
 *
 * @throws TemporalServerBuildError when Go is missing or the build fails.
 *
 * @example
 * ```ts
 * const { server, sqlTool, moduleDir } = await findOrBuildTemporalServer({ log: console.error });
 * ```
 */
export async function findOrBuildTemporalServer(options: TemporalServerBuildOptions = {}): Promise<TemporalServerBinaries> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const binDir = cachedTemporalServerDir(options.cacheDir ?? userCacheDir(env));
  const targets = { server: path.join(binDir, `server${EXE}`), sql: path.join(binDir, `sql${EXE}`) };
  const goPath = findGo(env);
  if (goPath === null) throw new TemporalServerBuildError('Go is not on PATH.');

  const missing = () => (Object.keys(PACKAGES) as (keyof typeof PACKAGES)[]).filter((name) => !isExecutableFile(targets[name]));
  if (missing().length > 0) {
    fs.mkdirSync(binDir, { recursive: true });
    const lockFile = path.join(binDir, '.build.lock');
    let announced = false;
    for (;;) {
      const release = tryAcquireLock(lockFile);
      if (release !== null) {
        try {
          for (const name of missing()) {
            log(`Building ${PACKAGES[name]}@${TEMPORAL_SERVER_VERSION} with Go into ${binDir} (first run only)…`);
            await goInstall(goPath, PACKAGES[name], binDir, log, env);
          }
        } finally {
          release();
        }
        break;
      }
      if (!announced) log(`Waiting for another process to finish building the Temporal server (lock ${lockFile})…`);
      announced = true;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const still = missing();
    if (still.length > 0) throw new TemporalServerBuildError(`\`go install\` succeeded but ${still.map((n) => targets[n]).join(', ')} is missing.`);
  }
  return { server: targets.server, sqlTool: targets.sql, moduleDir: moduleDirOf(goPath, env), version: TEMPORAL_SERVER_VERSION };
}

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withBuildLock } from '../../../cli/dev/build-lock';
import { isExecutableFile } from '../../../cli/dev/executable-on-path';
import { findGo, goInstall, GoInstallError, goOutputSection, type CachedGoBuildOptions } from '../../../cli/dev/go-install';
import { userCacheDir } from '../../../sdk/definitions/settings';
import { StratumError } from '../../../sdk/errors';

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

/**
 * Options of {@link findOrBuildTemporalServer}: `log` receives progress lines; `cacheDir` is the
 * per-user cache holding `temporal-server-v1.29.1/` (default {@link userCacheDir}); `env` is the
 * environment for `go` and the cache location (default `process.env`).
 */
export type TemporalServerBuildOptions = CachedGoBuildOptions;

/** Building or locating the Temporal server failed; the message says what to fix. */
export class TemporalServerBuildError extends StratumError {
  /** Stable error code. */
  readonly code = 'STRATUM_TEMPORAL_SERVER_BUILD_FAILED';

  constructor(detail: string, goOutputTail: readonly string[] = []) {
    super(
      `[STRATUM_TEMPORAL_SERVER_BUILD_FAILED] The Temporal server ${TEMPORAL_SERVER_VERSION} for the cluster tests is not available: ${detail}\n` +
        goOutputSection(goOutputTail) +
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

/** `go install` of one of {@link PACKAGES}, its failure reported as a {@link TemporalServerBuildError}. */
async function installPackage(goPath: string, pkg: string, binDir: string, log: (line: string) => void, env: NodeJS.ProcessEnv): Promise<void> {
  let seconds: number;
  try {
    seconds = await goInstall({ goPath, pkg, version: TEMPORAL_SERVER_VERSION, binDir, env, log });
  } catch (error) {
    if (!(error instanceof GoInstallError)) throw error;
    throw new TemporalServerBuildError(error.detail, error.goOutputTail);
  }
  log(`Built ${pkg}@${TEMPORAL_SERVER_VERSION} in ${seconds} s.`);
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
    const lockFile = path.join(binDir, '.build.lock');
    await withBuildLock(
      lockFile,
      async () => {
        for (const name of missing()) {
          log(`Building ${PACKAGES[name]}@${TEMPORAL_SERVER_VERSION} with Go into ${binDir} (first run only)…`);
          await installPackage(goPath, PACKAGES[name], binDir, log, env);
        }
      },
      { onWait: () => log(`Waiting for another process to finish building the Temporal server (lock ${lockFile})…`) },
    );
    const still = missing();
    if (still.length > 0) throw new TemporalServerBuildError(`\`go install\` succeeded but ${still.map((n) => targets[n]).join(', ')} is missing.`);
  }
  return { server: targets.server, sqlTool: targets.sql, moduleDir: moduleDirOf(goPath, env), version: TEMPORAL_SERVER_VERSION };
}

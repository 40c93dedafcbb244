import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { userCacheDir } from '../../sdk/definitions/settings';
import { StratumError } from '../../sdk/errors';
import { withBuildLock } from './build-lock';
import { isExecutableFile, findOnPath } from './executable-on-path';
import { findGo, goInstall, GoInstallError, goOutputSection, goVersion, type CachedGoBuildOptions } from './go-install';

/**
 * The Temporal CLI release Stratum builds when no `temporal` binary is available.
 *
 * v1.5.1 is the newest tag `go install` accepts: tags from v1.6.0 on carry a `replace`
 * directive in their go.mod, which `go install pkg@version` refuses.
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

/** The Go package `go install` builds the CLI from. */
export const TEMPORAL_CLI_GO_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';

/** Name of the executable on this platform (`temporal`, or `temporal.exe` on Windows). */
const EXE_NAME = process.platform === 'win32' ? 'temporal.exe' : 'temporal';

/**
 * Options for {@link findOrBuildTemporalCli} and {@link findTemporalCli}: `log` receives progress
 * lines; `cacheDir` is the per-user cache whose `temporal-cli-<version>/` holds the CLI Stratum
 * builds (default {@link userCacheDir}); `env` is read for `TEMPORAL_CLI_PATH`, `PATH` and the
 * cache location (default `process.env`).
 */
export type TemporalCliOptions = CachedGoBuildOptions;

/**
 * No Temporal CLI binary was found and none could be built.
 *
 * Fix: install Go >= 1.25 (Stratum then builds the CLI once into the per-user cache), or install
 * the Temporal CLI (https://docs.temporal.io/cli) and put it on PATH, or set
 * `TEMPORAL_CLI_PATH` to the absolute path of a `temporal` executable.
 */
export class TemporalCliNotFoundError extends StratumError {
  /** Stable error code. */
  readonly code = 'STRATUM_TEMPORAL_CLI_NOT_FOUND';

  /**
   * `invalid-explicit-path`: `TEMPORAL_CLI_PATH` is set but unusable (never worked around);
   * `not-found`: nothing found and nothing could be built.
   */
  readonly reason: 'not-found' | 'invalid-explicit-path';

  constructor(detail: string, options?: { cause?: unknown; reason?: 'not-found' | 'invalid-explicit-path' }) {
    super(
      `[STRATUM_TEMPORAL_CLI_NOT_FOUND] No Temporal CLI binary is available: ${detail}\n` +
        'Fix one of:\n' +
        `  - install Go >= 1.25 (https://go.dev/dl/) and run again: Stratum builds the Temporal CLI ${TEMPORAL_CLI_VERSION} once into ${cachedTemporalCliPath()};\n` +
        '  - install the Temporal CLI (https://docs.temporal.io/cli) so that `temporal` is on PATH;\n' +
        '  - set TEMPORAL_CLI_PATH to the absolute path of a `temporal` executable;\n' +
        '  - or point TEMPORAL_ADDRESS at a running Temporal server instead of a local dev server.',
      options?.cause !== undefined ? { cause: options.cause } : undefined,
    );
    this.name = 'TemporalCliNotFoundError';
    this.reason = options?.reason ?? 'not-found';
  }
}

/** `go install` of the Temporal CLI failed; the message carries the end of Go's output. */
export class TemporalCliBuildError extends StratumError {
  /** Stable error code. */
  readonly code = 'STRATUM_TEMPORAL_CLI_BUILD_FAILED';

  constructor(detail: string, goOutputTail: readonly string[]) {
    super(
      `[STRATUM_TEMPORAL_CLI_BUILD_FAILED] Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go failed: ${detail}\n` +
        goOutputSection(goOutputTail) +
        'Building needs Go >= 1.25 and network access to the Go module proxy. Fix the Go set-up and run again, ' +
        'or set TEMPORAL_CLI_PATH to the absolute path of an existing `temporal` executable.',
    );
    this.name = 'TemporalCliBuildError';
  }
}

/**
 * Absolute path of the CLI Stratum builds: `<cacheDir>/temporal-cli-v1.5.1/temporal`, the
 * folder named by {@link TEMPORAL_CLI_VERSION} so that a new version is built beside the old one.
 */
export function cachedTemporalCliPath(cacheDir: string = userCacheDir()): string {
  return path.join(path.resolve(cacheDir), `temporal-cli-${TEMPORAL_CLI_VERSION}`, EXE_NAME);
}

/**
 * Whether the last-resort fallback may download the Temporal CLI from the internet, as
 * `@temporalio/testing`'s `TestWorkflowEnvironment.createLocal()` does when given no executable.
 *
 * Allowed unless `STRATUM_TEMPORAL_CLI_DOWNLOAD` is `0`, `false`, `no` or `off`. The
 * downloaded copy is the SDK's default CLI version (not necessarily
 * {@link TEMPORAL_CLI_VERSION}) and is cached in {@link temporalCliDownloadDir}.
 */
export function temporalCliDownloadAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env['STRATUM_TEMPORAL_CLI_DOWNLOAD']?.trim().toLowerCase();
  return !(value === '0' || value === 'false' || value === 'no' || value === 'off');
}

/** Directory the download fallback caches its CLI in: `<cacheDir>/temporal-cli-download`. */
export function temporalCliDownloadDir(cacheDir: string = userCacheDir()): string {
  return path.join(path.resolve(cacheDir), 'temporal-cli-download');
}

/**
 * The version line a working `temporal` executable prints, or null when `file` is not one.
 * Runs `file --version` with a short timeout.
 */
export function temporalCliVersion(file: string): string | null {
  try {
    const result = spawnSync(file, ['--version'], { encoding: 'utf8', timeout: 15_000, stdio: ['ignore', 'pipe', 'pipe'] });
    if (result.error || result.status !== 0) return null;
    const line = result.stdout.trim().split('\n')[0] ?? '';
    return /^temporal version /i.test(line) ? line : null;
  } catch {
    return null;
  }
}

/** `file` relative to the working directory when inside it, else absolute. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/**
 * Look for an existing Temporal CLI without building one. Order: `TEMPORAL_CLI_PATH`,
 * `temporal` on PATH (it must answer `--version`), the built copy {@link cachedTemporalCliPath}.
 *
 * @returns the absolute path, or null when none is found.
 * @throws TemporalCliNotFoundError when `TEMPORAL_CLI_PATH` is set but unusable: an explicit
 *   setting is never silently ignored.
 */
export function findTemporalCli(options: TemporalCliOptions = {}): string | null {
  const env = options.env ?? process.env;
  const explicit = env['TEMPORAL_CLI_PATH']?.trim();
  if (explicit) {
    const file = path.resolve(explicit);
    if (!isExecutableFile(file) || temporalCliVersion(file) === null) {
      throw new TemporalCliNotFoundError(
        `TEMPORAL_CLI_PATH is set to ${file}, which is not an executable that answers \`--version\` like the Temporal CLI. ` +
          'Correct or unset TEMPORAL_CLI_PATH.',
        { reason: 'invalid-explicit-path' },
      );
    }
    return file;
  }

  const onPath = findOnPath(EXE_NAME, env);
  if (onPath !== null && temporalCliVersion(onPath) !== null) return onPath;

  const cached = cachedTemporalCliPath(options.cacheDir ?? userCacheDir(env));
  if (isExecutableFile(cached) && temporalCliVersion(cached) !== null) return cached;

  return null;
}

const inFlight = new Map<string, Promise<string>>();

/**
 * Find a Temporal CLI executable, building one with Go into the per-user cache when there is none.
 *
 * Order: env `TEMPORAL_CLI_PATH`; `temporal` on PATH (must answer `--version`);
 * `<cacheDir>/temporal-cli-v1.5.1/temporal` ({@link cachedTemporalCliPath}, cache
 * {@link userCacheDir}); otherwise, when `go` is on PATH,
 * `go install github.com/temporalio/cli/cmd/temporal@v1.5.1` with `GOBIN` that folder.
 * A lock file (`.temporal-build.lock` in that folder) makes concurrent callers (jest workers,
 * two terminals, two projects) wait for one build instead of racing.
 *
 * @returns the absolute path of the executable.
 * @throws TemporalCliNotFoundError when nothing is found and Go is not installed.
 * @throws TemporalCliBuildError when the Go build fails.
 *
 * @example
 * ```ts
 * const temporal = await findOrBuildTemporalCli({ log: (line) => console.error(line) });
 * ```
 */
export async function findOrBuildTemporalCli(options: TemporalCliOptions = {}): Promise<string> {
  const cacheDir = path.resolve(options.cacheDir ?? userCacheDir(options.env ?? process.env));
  const existing = findTemporalCli({ ...options, cacheDir });
  if (existing !== null) return existing;

  // Within one process, share a single build.
  const pending = inFlight.get(cacheDir);
  if (pending) return pending;
  const build = buildCachedCli({ ...options, cacheDir }).finally(() => inFlight.delete(cacheDir));
  inFlight.set(cacheDir, build);
  return build;
}

async function buildCachedCli(options: TemporalCliOptions & { cacheDir: string }): Promise<string> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const target = cachedTemporalCliPath(options.cacheDir);
  const binDir = path.dirname(target);
  const built = (): string | null => (isExecutableFile(target) && temporalCliVersion(target) !== null ? target : null);

  const goPath = findGo(env);
  if (goPath === null) {
    throw new TemporalCliNotFoundError(
      `TEMPORAL_CLI_PATH is not set, \`temporal\` is not on PATH, ${displayPath(target)} does not exist, ` +
        'and Go is not installed to build it.',
    );
  }
  const version = goVersion(goPath);
  if (version !== null && (version[0] < 1 || (version[0] === 1 && version[1] < 21))) {
    // Go >= 1.21 fetches the newer toolchain the CLI needs by itself (GOTOOLCHAIN=auto).
    throw new TemporalCliNotFoundError(
      `Go ${version.join('.')} at ${goPath} is too old to build the Temporal CLI ${TEMPORAL_CLI_VERSION} (it needs Go >= 1.25).`,
    );
  }

  const lockFile = path.join(binDir, '.temporal-build.lock');
  return withBuildLock(
    lockFile,
    async () => {
      // Another process may have finished the build while we waited for the lock.
      if (built() !== null) return target;
      log(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go into ${binDir} (first run only, takes several minutes)…`);
      await runGoInstall(goPath, binDir, log, env);
      if (built() === null) {
        throw new TemporalCliBuildError(`\`go install\` succeeded but ${target} does not answer \`temporal --version\``, []);
      }
      return target;
    },
    {
      onWait: () => log(`Waiting for another process to finish building the Temporal CLI (lock ${lockFile})…`),
      finishedElsewhere: built,
    },
  );
}

/** `go install` of the CLI, its failure reported as a {@link TemporalCliBuildError}. */
async function runGoInstall(goPath: string, binDir: string, log: (line: string) => void, env: NodeJS.ProcessEnv): Promise<void> {
  let seconds: number;
  try {
    seconds = await goInstall({ goPath, pkg: TEMPORAL_CLI_GO_PACKAGE, version: TEMPORAL_CLI_VERSION, binDir, env, log, name: 'the Temporal CLI' });
  } catch (error) {
    if (!(error instanceof GoInstallError)) throw error;
    const detail = error.exitedWith !== null ? `\`go install\` exited with ${error.exitedWith}` : error.detail;
    throw new TemporalCliBuildError(detail, error.goOutputTail);
  }
  log(`Built the Temporal CLI ${TEMPORAL_CLI_VERSION} in ${seconds} s.`);
}

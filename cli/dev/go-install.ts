import { spawn, spawnSync } from 'node:child_process';
import { StratumError } from '../../sdk/errors';
import { findOnPath } from './executable-on-path';

/** How many of Go's last output lines a {@link GoInstallError} keeps. */
const OUTPUT_TAIL_LINES = 30;

/** How often a build that prints nothing reports that it is still running. */
const HEARTBEAT_MS = 30_000;

/**
 * Options shared by the functions that find a program in the per-user cache or build it there
 * with Go (`findOrBuildTemporalCli`, the cluster harness's `findOrBuildTemporalServer`).
 */
export interface CachedGoBuildOptions {
  /** Receives progress lines (the Go build prints several). Default: no output. */
  log?: (line: string) => void;
  /**
   * Per-user cache whose versioned folder holds the built program. Default `userCacheDir()`:
   * `STRATUM_CACHE_DIR`, else `$XDG_CACHE_HOME/stratum`, else `~/.cache/stratum`.
   */
  cacheDir?: string;
  /** Environment to read `PATH` (for `go`), the cache location and any override from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** Options of {@link goInstall}. */
export interface GoInstallOptions {
  /** Absolute path of the `go` executable ({@link findGo}). */
  goPath: string;
  /** Go package to build, e.g. `github.com/temporalio/cli/cmd/temporal`. */
  pkg: string;
  /** Module version to build it at, e.g. `v1.5.1`. */
  version: string;
  /** Folder the executable is installed into (`GOBIN`). */
  binDir: string;
  /** Environment of `go` (`GOBIN` is set on top of it). */
  env: NodeJS.ProcessEnv;
  /** Receives Go's output lines (`  go: …`) and a heartbeat every 30 s. */
  log: (line: string) => void;
  /** What the heartbeat calls the build: `  still building <name> (N s)…`. Default: `pkg`. */
  name?: string;
}

/**
 * The part of an error message that quotes Go's last output lines (`Last lines of Go's output:`,
 * each line indented, ending in a newline), or an empty string when Go printed nothing.
 */
export function goOutputSection(goOutputTail: readonly string[]): string {
  return goOutputTail.length > 0 ? `Last lines of Go's output:\n  ${goOutputTail.join('\n  ')}\n` : '';
}

/**
 * `go install PKG@VERSION` failed: Go could not be started, or it exited with an error. The
 * message carries the end of Go's output; {@link exitedWith} and {@link goOutputTail} let a
 * caller report it in its own terms.
 */
export class GoInstallError extends StratumError {
  /** Stable error code. */
  readonly code = 'STRATUM_GO_INSTALL_FAILED';

  /**
   * What went wrong, e.g. ``could not run /usr/bin/go: spawn EACCES`` or
   * `` `go install go.temporal.io/server/cmd/server@v1.29.1` exited with code 1 ``.
   */
  readonly detail: string;

  /** `code 1` or the signal's name when Go ran and failed; null when Go could not be started. */
  readonly exitedWith: string | null;

  /** Go's last output lines, oldest first (at most 30). */
  readonly goOutputTail: readonly string[];

  constructor(detail: string, exitedWith: string | null, goOutputTail: readonly string[], options?: { cause?: unknown }) {
    super(
      `[STRATUM_GO_INSTALL_FAILED] ${detail}\n` +
        goOutputSection(goOutputTail) +
        'Building needs Go >= 1.25 on PATH and network access to the Go module proxy on first use: fix the Go set-up and run again.',
      options,
    );
    this.name = 'GoInstallError';
    this.detail = detail;
    this.exitedWith = exitedWith;
    this.goOutputTail = goOutputTail;
  }
}

/** Absolute path of `go` (`go.exe` on Windows) on `env.PATH`, or null when Go is not installed. */
export function findGo(env: NodeJS.ProcessEnv): string | null {
  return findOnPath(process.platform === 'win32' ? 'go.exe' : 'go', env);
}

/** Version of the Go at `goPath` as [major, minor] (from `go env GOVERSION`), or null when it cannot be read. */
export function goVersion(goPath: string): [number, number] | null {
  const result = spawnSync(goPath, ['env', 'GOVERSION'], { encoding: 'utf8', timeout: 30_000 });
  if (result.error || result.status !== 0) return null;
  const match = /go(\d+)\.(\d+)/.exec(result.stdout);
  if (!match) return null;
  return [Number(match[1]), Number(match[2])];
}

/**
 * Run `go install PKG@VERSION` with `GOBIN` set to `binDir`, passing Go's output to `log`
 * line by line and logging a heartbeat while compilation is silent.
 *
 * @returns how long the build took, in whole seconds.
 * @throws GoInstallError when Go cannot be started or exits with an error.
 *
 * @example
 * ```ts
 * const goPath = findGo(process.env);
 * if (goPath) await goInstall({ goPath, pkg: 'github.com/temporalio/cli/cmd/temporal', version: 'v1.5.1', binDir, env: process.env, log: console.error });
 * ```
 */
export async function goInstall(options: GoInstallOptions): Promise<number> {
  const { goPath, pkg, version, binDir, env, log } = options;
  const target = `${pkg}@${version}`;
  const tail: string[] = [];
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(goPath, ['install', target], { env: { ...env, GOBIN: binDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        const trimmed = line.trimEnd();
        if (trimmed.length === 0) continue;
        log(`  go: ${trimmed.replace(/^go: /, '')}`);
        tail.push(trimmed);
        if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    // Compilation prints nothing for minutes; show that the build is alive.
    const heartbeat = setInterval(() => {
      log(`  still building ${options.name ?? pkg} (${Math.round((Date.now() - started) / 1000)} s)…`);
    }, HEARTBEAT_MS);
    child.on('error', (error) => {
      clearInterval(heartbeat);
      reject(new GoInstallError(`could not run ${goPath}: ${error.message}`, null, tail, { cause: error }));
    });
    child.on('close', (code, signal) => {
      clearInterval(heartbeat);
      if (code === 0) return resolve();
      const exitedWith = signal ?? `code ${code}`;
      reject(new GoInstallError(`\`go install ${target}\` exited with ${exitedWith}`, exitedWith, tail));
    });
  });
  return Math.round((Date.now() - started) / 1000);
}

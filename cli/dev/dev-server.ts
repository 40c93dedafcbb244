import * as fs from 'node:fs';
import * as path from 'node:path';
import { stratumHome } from '../../sdk/definitions/settings';
import { type DevServer, type DevServerOptions, resolveOptions } from './dev-server-options';
import { DevServerStartError, looksLikeServer, spawnServer, terminate } from './dev-server-process';
import { devServerAnswers } from './dev-server-probe';
import { readDevServerState, removeDevServerState, type RunningDevServer } from './dev-server-state';
import { DevServerPortInUseError, portFree } from './ports';
import { startWithSdkDownload } from './sdk-download-server';
import { findOrBuildTemporalCli, TemporalCliNotFoundError, temporalCliDownloadAllowed } from './temporal-binary';
import { StratumError } from '../../sdk/errors';

// The local Temporal dev server's life cycle: start (spawned, detached or through the SDK's
// download fallback), find the running one, stop it. The parts live beside this file:
// dev-server-options.ts, dev-server-process.ts, dev-server-state.ts, ports.ts, search-attributes.ts.

export type { DevServer, DevServerOptions } from './dev-server-options';
export type { RunningDevServer } from './dev-server-state';

/** A detached dev server for this project is already running. */
export class DevServerAlreadyRunningError extends StratumError {
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

/**
 * The detached dev server recorded in `<home>/data/dev-server.json` (`home` defaults to
 * {@link stratumHome}), if it is alive and answering. A state file whose process is gone (or is
 * now another program) is removed.
 */
export async function findRunningDevServer(
  home: string = stratumHome(),
  options: { timeoutMs?: number } = {},
): Promise<RunningDevServer | null> {
  const state = readDevServerState(home);
  if (state === null) return null;
  if (state === 'invalid') {
    removeDevServerState(home);
    return null;
  }
  if (!looksLikeServer(state.pid)) {
    removeDevServerState(home, state.pid);
    return null;
  }
  if (!(await devServerAnswers(state.address, state.namespace, options.timeoutMs ?? 3_000))) {
    // Alive but silent: still starting, or hung. Leave the file; stopDevServer can clean up.
    return null;
  }
  const { pid, address, uiUrl, namespace, dbFile, startedAt } = state;
  return { pid, address, uiUrl, namespace, dbFile, startedAt };
}

/**
 * Stop the detached dev server recorded in the state file under `home` (default
 * {@link stratumHome}): SIGTERM, up to 10 s, then SIGKILL; then remove the file.
 *
 * @returns true when a server was stopped, false when none was running.
 */
export async function stopDevServer(
  home: string = stratumHome(),
  options: { log?: (line: string) => void } = {},
): Promise<boolean> {
  const state = readDevServerState(home);
  if (state === null) return false;
  if (state === 'invalid' || !looksLikeServer(state.pid)) {
    removeDevServerState(home);
    return false;
  }
  options.log?.(`Stopping the Temporal dev server at ${state.address} (pid ${state.pid})…`);
  await terminate(state.pid);
  removeDevServerState(home, state.pid);
  return true;
}

/**
 * Start a local `temporal server start-dev`, wait until it answers, and make sure Stratum's
 * search attributes are registered.
 *
 * With `detached: true` the server outlives this process, writes its output to
 * `<stratumHome>/data/temporal-server.log`, and is recorded in `<stratumHome>/data/dev-server.json`
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
    const running = await findRunningDevServer(o.stratumHome);
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

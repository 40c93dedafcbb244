import * as fs from 'node:fs';
import * as path from 'node:path';
import { stratumDataDir } from '../../sdk/definitions/settings';

// The state file of a detached dev server and the files beside it, all under <stratumHome>/data.

/** What `<stratumHome>/data/dev-server.json` records about a detached dev server. */
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

/** State file recording a detached dev server: `<stratumHome>/data/dev-server.json` (`home` defaults to `stratumHome()`). */
export function devServerStateFile(home?: string): string {
  return path.join(stratumDataDir(home), 'dev-server.json');
}

/** Log file of a detached dev server: `<stratumHome>/data/temporal-server.log`. */
export function devServerLogFile(home?: string): string {
  return path.join(stratumDataDir(home), 'temporal-server.log');
}

/** Default persistent database: `<stratumHome>/data/temporal.db`. */
export function defaultDevServerDbFile(home?: string): string {
  return path.join(stratumDataDir(home), 'temporal.db');
}

/** The recorded state, null when there is no file, `invalid` when it cannot be read as one. */
export function readDevServerState(home: string): DevServerState | null | 'invalid' {
  let text: string;
  try {
    text = fs.readFileSync(devServerStateFile(home), 'utf8');
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
      logFile: typeof state.logFile === 'string' ? state.logFile : devServerLogFile(home),
      cliPath: typeof state.cliPath === 'string' ? state.cliPath : '',
    };
  } catch {
    return 'invalid';
  }
}

/** Remove the state file; with `pid`, only while it still records that process. */
export function removeDevServerState(home: string, pid?: number): void {
  const file = devServerStateFile(home);
  if (pid !== undefined) {
    const current = readDevServerState(home);
    if (current !== null && current !== 'invalid' && current.pid !== pid) return; // someone else's now
  }
  fs.rmSync(file, { force: true });
}

/** Write the state file atomically (temporary file, then rename). */
export function writeDevServerState(home: string, state: DevServerState): void {
  const file = devServerStateFile(home);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type DevServer, type ResolvedOptions, serverArgs } from './dev-server-options';
import { devServerAnswers } from './dev-server-probe';
import { devServerLogFile, removeDevServerState, writeDevServerState } from './dev-server-state';
import { fileOutput, OutputCapture } from './output-capture';
import { formatAddress } from './ports';
import { registerSearchAttributes } from './search-attributes';
import { StratumError } from '../../sdk/errors';

// Spawning the `temporal server start-dev` process, and stopping a server process by pid.

/** The dev server did not start or did not answer in time; the message includes its last output lines. */
export class DevServerStartError extends StratumError {
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
export function processCommandLine(pid: number): string | null {
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

/** Whether `pid` may be the recorded server: alive, and (where visible) a `temporal` process. */
export function looksLikeServer(pid: number): boolean {
  if (!processAlive(pid)) return false;
  const commandLine = processCommandLine(pid);
  return commandLine === null || /temporal/i.test(commandLine);
}

/** Whether `pid` is gone within `timeoutMs` (polled). */
async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!processAlive(pid)) return true;
    await sleep(100);
  }
  return !processAlive(pid);
}

/** Stop process `pid`: SIGTERM, wait up to 10 s, then SIGKILL. */
export async function terminate(pid: number): Promise<void> {
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
 * Spawn `temporal server start-dev` with the resolved options, wait until it answers and its
 * search attributes are registered; a detached server is recorded in the state file. A server
 * that does not come up is killed and reported with its first and last output lines.
 */
export async function spawnServer(o: ResolvedOptions, cliPath: string): Promise<DevServer> {
  const address = formatAddress(o.connectHost, o.port);
  const uiUrl = o.uiPort === null ? null : `http://${formatAddress(o.connectHost, o.uiPort)}`;
  const args = serverArgs(o);
  const started = Date.now();

  const output = new OutputCapture();
  let child: ChildProcess;
  let logFile: string | null = null;
  let logOffset = 0;
  if (o.detached) {
    logFile = devServerLogFile(o.stratumHome);
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
    await registerSearchAttributes(address, o.namespace, o.searchAttributes, o.log);
  } catch (error) {
    await kill();
    if (!o.detached) process.removeListener('exit', killOnExit);
    throw error;
  }

  const pid = child.pid as number;
  const readyMs = Date.now() - started;
  o.log(`Temporal dev server answering at ${address} after ${(readyMs / 1000).toFixed(1)} s (pid ${pid}).`);

  if (o.detached) {
    writeDevServerState(o.stratumHome, {
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
        else removeDevServerState(o.stratumHome, pid);
      })();
      return stopping;
    },
  };
}

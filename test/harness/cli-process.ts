import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'stratum.js');

/**
 * Runs `stratum ARGS` as a user would; resolves with its exit code and output. `cwd` is the
 * user's project folder (default: the checkout).
 */
export function runStratum(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, cwd: options.cwd ?? root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * Starts `stratum worker --defs DEFS` as a separate process, as a user would (never starting a
 * dev server of its own). `output` keeps its last lines for failure messages.
 */
export function startWorkerProcess(defsPath: string, env: NodeJS.ProcessEnv, options: { output?: string[]; args?: string[] } = {}): ChildProcess {
  return startStratum(['worker', '--defs', defsPath, '--no-start-server', ...(options.args ?? [])], env, options.output ? { output: options.output } : {});
}

/** Starts `stratum ARGS` as a long-running process (a worker, `stratum dev`); `output` keeps its last lines. */
export function startStratum(args: string[], env: NodeJS.ProcessEnv, options: { output?: string[]; cwd?: string } = {}): ChildProcess {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, cwd: options.cwd ?? root, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    if (!options.output) return;
    options.output.push(chunk.toString());
    if (options.output.length > 200) options.output.splice(0, options.output.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return child;
}

/** Resolves when the process has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

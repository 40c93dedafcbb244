/**
 * Building Go programs into a cache folder (cli/dev/go-install.ts, cli/dev/build-lock.ts), as the
 * dev server does for the Temporal CLI and the cluster harness for the Temporal server: one build
 * at a time across processes, an abandoned lock taken over, a failed `go install` reported with
 * Go's own output. Uses the real `go` on PATH with the module proxy switched off (no network).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withBuildLock } from '../../cli/dev/build-lock';
import { findGo, goInstall, GoInstallError, goVersion } from '../../cli/dev/go-install';
import { StratumError } from '../../sdk/errors';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-go-install-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A pid no process has any more: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('withBuildLock', () => {
  test('runs the build holding the lock and removes the lock afterwards, also when the build fails', async () => {
    const lockFile = path.join(dir, 'bin', '.build.lock');
    const seen = await withBuildLock(lockFile, async () => JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { pid: number });
    expect(seen.pid).toBe(process.pid);
    expect(fs.existsSync(lockFile)).toBe(false);

    await expect(withBuildLock(lockFile, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(fs.existsSync(lockFile)).toBe(false);
  });

  test.each([
    ['whose owner has exited', () => JSON.stringify({ pid: deadPid(), startedAt: new Date().toISOString() })],
    ['that is half-written', () => '{"pid":'],
  ])('takes over a lock %s without waiting', async (_name, contents) => {
    const lockFile = path.join(dir, '.build.lock');
    fs.writeFileSync(lockFile, contents());
    const onWait = jest.fn();
    await expect(withBuildLock(lockFile, async () => 'built', { onWait })).resolves.toBe('built');
    expect(onWait).not.toHaveBeenCalled();
  });

  test('waits while a live process holds the lock, then returns what that process built', async () => {
    const lockFile = path.join(dir, '.build.lock');
    const target = path.join(dir, 'program');
    fs.writeFileSync(lockFile, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
    const build = jest.fn(async () => 'built here');
    const result = await withBuildLock(lockFile, build, {
      // The other "process" finishes while this one waits.
      onWait: () => {
        fs.writeFileSync(target, '');
        fs.rmSync(lockFile);
      },
      finishedElsewhere: () => (fs.existsSync(target) ? target : null),
    });
    expect(result).toBe(target);
    expect(build).not.toHaveBeenCalled();
  });

  test('without finishedElsewhere, takes the lock once the other process releases it', async () => {
    const lockFile = path.join(dir, '.build.lock');
    fs.writeFileSync(lockFile, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
    const onWait = jest.fn(() => fs.rmSync(lockFile));
    await expect(withBuildLock(lockFile, async () => 'built here', { onWait })).resolves.toBe('built here');
    expect(onWait).toHaveBeenCalledTimes(1);
  });
});

describe('goInstall', () => {
  const goPath = findGo(process.env);
  const withGo = goPath === null ? test.skip : test;

  withGo('finds Go on PATH and reads its version', () => {
    expect(path.isAbsolute(goPath!)).toBe(true);
    expect(goVersion(goPath!)).toEqual([expect.any(Number), expect.any(Number)]);
  });

  test('finds no Go on an empty PATH', () => {
    expect(findGo({ PATH: dir })).toBeNull();
  });

  withGo('a failing `go install` throws a GoInstallError with the command, the exit and the end of Go\'s output', async () => {
    const lines: string[] = [];
    const env = { ...process.env, GOPROXY: 'off', GOMODCACHE: path.join(dir, 'modcache') };
    const error = await goInstall({ goPath: goPath!, pkg: 'example.invalid/no/such/cmd', version: 'v1.0.0', binDir: path.join(dir, 'bin'), env, log: (line) => lines.push(line) }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GoInstallError);
    expect(error).toBeInstanceOf(StratumError);
    const failure = error as GoInstallError;
    expect(failure.code).toBe('STRATUM_GO_INSTALL_FAILED');
    expect(failure.exitedWith).toBe('code 1');
    expect(failure.detail).toBe('`go install example.invalid/no/such/cmd@v1.0.0` exited with code 1');
    expect(failure.goOutputTail.join('\n')).toMatch(/GOPROXY=off/);
    expect(failure.message).toContain("Last lines of Go's output:");
    expect(lines.some((line) => line.startsWith('  go: '))).toBe(true);
  });

  test('a `go` that cannot be started throws a GoInstallError without an exit', async () => {
    const error = await goInstall({ goPath: path.join(dir, 'no-go'), pkg: 'example.invalid/cmd', version: 'v1.0.0', binDir: dir, env: process.env, log: () => undefined }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GoInstallError);
    expect((error as GoInstallError).exitedWith).toBeNull();
    expect((error as GoInstallError).detail).toMatch(/^could not run .*no-go: /);
  });
});

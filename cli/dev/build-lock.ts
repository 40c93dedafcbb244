import * as fs from 'node:fs';
import * as path from 'node:path';

/** A lock older than this is considered abandoned even if its owner still looks alive. */
const BUILD_LOCK_MAX_AGE_MS = 45 * 60_000;

/** How often a waiting caller checks whether another process finished the build. */
const BUILD_LOCK_POLL_MS = 1_000;

/** Options of {@link withBuildLock}. */
export interface BuildLockOptions<T> {
  /** Called once, when the lock is held by another live process and this one starts waiting. */
  onWait?: () => void;
  /**
   * Checked after each wait once the lock file is gone: the result of the other process's build,
   * or null to go on and take the lock. Without it the caller waits until it holds the lock.
   */
  finishedElsewhere?: () => T | null;
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

/** Try to take the build lock; returns a release function, or null when another live process holds it. */
function tryAcquireLock(lockFile: string): (() => void) | null {
  try {
    const fd = fs.openSync(lockFile, 'wx');
    fs.writeSync(fd, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
    fs.closeSync(fd);
    return () => fs.rmSync(lockFile, { force: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // The lock exists: take it over only when its owner is gone or it is far too old.
  let stale = false;
  try {
    const owner = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { pid?: unknown };
    const age = Date.now() - fs.statSync(lockFile).mtimeMs;
    stale = typeof owner.pid !== 'number' || !pidAlive(owner.pid) || age > BUILD_LOCK_MAX_AGE_MS;
  } catch {
    stale = true; // unreadable or half-written by a process that died
  }
  if (!stale) return null;
  fs.rmSync(lockFile, { force: true });
  return tryAcquireLock(lockFile);
}

/**
 * Run `build` while holding `lockFile`, so that concurrent callers (jest workers, two terminals,
 * two projects sharing a cache) wait for one build instead of racing. The lock file holds the
 * owner's pid; a lock whose owner is gone, that cannot be read, or that is older than 45 minutes
 * is taken over. Waiting callers poll every second. The lock's folder is created if missing.
 *
 * @returns what `build` returns, or what `finishedElsewhere` returns once another process is done.
 *
 * @example
 * ```ts
 * const file = await withBuildLock(path.join(binDir, '.build.lock'), () => build(), {
 *   onWait: () => log('Waiting for another process to finish the build…'),
 * });
 * ```
 */
export async function withBuildLock<T>(lockFile: string, build: () => Promise<T>, options: BuildLockOptions<T> = {}): Promise<T> {
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  let announcedWait = false;
  for (;;) {
    const release = tryAcquireLock(lockFile);
    if (release !== null) {
      try {
        return await build();
      } finally {
        release();
      }
    }
    if (!announcedWait) {
      options.onWait?.();
      announcedWait = true;
    }
    await new Promise((resolve) => setTimeout(resolve, BUILD_LOCK_POLL_MS));
    if (options.finishedElsewhere && !fs.existsSync(lockFile)) {
      const done = options.finishedElsewhere();
      if (done !== null) return done;
    }
  }
}

import type { Client } from '@temporalio/client';
import { formatDuration } from './output';

/**
 * How long `--detach` waits for a worker to poll before refusing. Right after a server restart
 * the server lists no pollers until the workers reconnect, which takes them a few seconds
 * (their reconnection backs off, and on a busy machine it took more than 15 s), so an immediate
 * "no worker" would refuse a working setup. The wait ends as soon as a worker polls.
 */
export const DETACH_POLLER_WAIT_MS = 30_000;

/** A poller is "recent" when the server saw it within this window (a long poll lasts about a minute). */
const RECENT_POLLER_S = 70;

/** Whether the server saw a worker poll the workflow task queue `taskQueue` in the last minute or so. */
export async function hasPollers(client: Client, namespace: string, taskQueue: string): Promise<boolean> {
  const response = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: 1 },
    taskQueueType: 1,
  });
  const recent = (response.pollers ?? []).filter((p) => {
    const seconds = Number(p.lastAccessTime?.seconds ?? 0);
    return seconds === 0 || Date.now() / 1000 - seconds < RECENT_POLLER_S;
  });
  return recent.length > 0;
}

/**
 * Waits up to `timeoutMs` (default {@link DETACH_POLLER_WAIT_MS}) for a worker to poll `taskQueue`,
 * saying once that it waits. Resolves true as soon as one polls, false when none did in time.
 */
export async function waitForPollers(
  client: Client,
  namespace: string,
  taskQueue: string,
  options: { timeoutMs?: number; log?: (line: string) => void; intervalMs?: number } = {},
): Promise<boolean> {
  const timeoutMs = options.timeoutMs ?? DETACH_POLLER_WAIT_MS;
  const deadline = Date.now() + timeoutMs;
  let said = false;
  for (;;) {
    if (await hasPollers(client, namespace, taskQueue)) return true;
    if (Date.now() >= deadline) return false;
    if (!said) {
      said = true;
      options.log?.(`No worker polls task queue "${taskQueue}" yet; waiting up to ${formatDuration(timeoutMs)} for one to connect (workers reconnect a few seconds after a server restart).`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.intervalMs ?? 500, Math.max(0, deadline - Date.now()))));
  }
}

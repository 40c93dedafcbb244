import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';

/** Polls `check` until it returns true; fails the test after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 30_000, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(intervalMs);
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

/** How many workflow executions the dev server lists on a task queue (to prove nothing started). */
export async function countWorkflows(client: Client, taskQueue: string): Promise<number> {
  let n = 0;
  for await (const _ of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) n += 1;
  return n;
}

/** The error `fn` throws; fails the test when it throws none. */
export function captureError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

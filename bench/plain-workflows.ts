/**
 * The overhead benchmark's baseline: the same work as Stratum's chain and fan-out, written as
 * plain Temporal code (a hand-written workflow calling no-op activities).
 */
import { proxyActivities } from '@temporalio/workflow';

interface NoopResult {
  startedAt: number;
  endedAt: number;
}

const { noop } = proxyActivities<{ noop(i: number): Promise<NoopResult> }>({ startToCloseTimeout: '1m', heartbeatTimeout: '30s' });

/** Runs `steps` no-op activities one after another; returns each one's timing. */
export async function plainChain(steps: number): Promise<NoopResult[]> {
  const results: NoopResult[] = [];
  for (let i = 0; i < steps; i++) results.push(await noop(i));
  return results;
}

/** One root activity, then `width` activities at most `concurrency` at a time. */
export async function plainFanout(width: number, concurrency: number): Promise<NoopResult[]> {
  const results: NoopResult[] = [await noop(0)];
  let next = 0;
  const lane = async () => {
    while (next < width) {
      const i = next++;
      results.push(await noop(i + 1));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, width) }, lane));
  return results;
}

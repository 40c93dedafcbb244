/**
 * The overhead benchmark's baseline: the same work as Stratum's chain and fan-out, written as
 * plain Temporal code (a hand-written workflow calling no-op activities, regular or local).
 */
import { executeChild, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';

interface NoopResult {
  startedAt: number;
  endedAt: number;
}

type Noop = (i: number) => Promise<NoopResult>;

const { noop } = proxyActivities<{ noop: Noop }>({ startToCloseTimeout: '1m', heartbeatTimeout: '30s' });
const { noop: localNoop } = proxyLocalActivities<{ noop: Noop }>({ startToCloseTimeout: '1m' });

async function chain(call: Noop, steps: number): Promise<NoopResult[]> {
  const results: NoopResult[] = [];
  for (let i = 0; i < steps; i++) results.push(await call(i));
  return results;
}

async function fanout(call: Noop, width: number, concurrency: number): Promise<NoopResult[]> {
  const results: NoopResult[] = [await call(0)];
  let next = 0;
  const lane = async () => {
    while (next < width) {
      const i = next++;
      results.push(await call(i + 1));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, width) }, lane));
  return results;
}

/** Runs `steps` no-op activities one after another; returns each one's timing. */
export async function plainChain(steps: number): Promise<NoopResult[]> {
  return chain(noop, steps);
}

/** One root activity, then `width` activities at most `concurrency` at a time. */
export async function plainFanout(width: number, concurrency: number): Promise<NoopResult[]> {
  return fanout(noop, width, concurrency);
}

/** {@link plainChain} with local activities: the floor of Stratum's `'local'` execution mode. */
export async function plainLocalChain(steps: number): Promise<NoopResult[]> {
  return chain(localNoop, steps);
}

/** {@link plainFanout} with local activities. */
export async function plainLocalFanout(width: number, concurrency: number): Promise<NoopResult[]> {
  return fanout(localNoop, width, concurrency);
}

/**
 * The backfill benchmark's floor: `children` child workflows of {@link plainChain}(`steps`), at
 * most `concurrency` running, as a hand-written Temporal parent would run a backfill.
 */
export async function plainBackfill(children: number, steps: number, concurrency: number): Promise<number> {
  let next = 0;
  let done = 0;
  const { workflowId } = workflowInfo();
  const lane = async () => {
    while (next < children) {
      const i = next++;
      await executeChild(plainChain, { workflowId: `${workflowId}-${i}`, args: [steps] });
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, children) }, lane));
  return done;
}

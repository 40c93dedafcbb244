/**
 * `npm run bench -- overhead`: Stratum's per-step overhead against plain Temporal code.
 * A 100-asset chain and a 200-asset fan-out of no-op assets, and the same work as a hand-written
 * workflow calling no-op activities, on a local dev server this benchmark starts and stops.
 */
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { StratumClient } from '../client/stratum-client';
import { asset, Definitions, filesystemIOManager, type AssetDefinition } from '../sdk';
import { openCatalog } from '../sdk/catalog';
import type { RunResult } from '../sdk/protocol/plan';
import { createWorker } from '../worker/create-worker';
import { median, startBenchEnv } from './bench-env';

const CHAIN = 100;
const FANOUT = 200;
const CONCURRENCY = 32;
const REPEATS = 3;

/** The chain a0 -> a1 -> … and the fan-out root -> leaf_1 … leaf_199, all no-ops. */
function benchDefinitions(storageDir: string): Definitions {
  const chain: AssetDefinition<number>[] = [];
  for (let i = 0; i < CHAIN; i++) {
    const previous = chain[i - 1];
    chain.push(previous ? asset({ key: `chain/a${i}`, group: 'chain', deps: [previous] }, () => i) : asset({ key: `chain/a${i}`, group: 'chain' }, () => i));
  }
  const root = asset({ key: 'fanout/root', group: 'fanout' }, () => 0);
  const leaves = Array.from({ length: FANOUT - 1 }, (_, i) => asset({ key: `fanout/leaf_${i + 1}`, group: 'fanout', deps: [root] }, () => i));
  return new Definitions({ assets: [...chain, root, ...leaves], ioManagers: { default: filesystemIOManager({ baseDir: storageDir }) }, maxConcurrent: CONCURRENCY });
}

/** Per-step overhead of a sequential run: the median gap between one step's end and the next one's. */
function chainStepMs(timings: { startedAt: number | null; endedAt: number | null }[]): number {
  const ends = timings.map((t) => t.endedAt!).sort((a, b) => a - b);
  return median(ends.slice(1).map((end, i) => end - ends[i]!));
}

export async function runBench(): Promise<void> {
  const { dir, log, client, native, close } = await startBenchEnv('overhead');
  try {
    // --- Stratum
    const defs = benchDefinitions(path.join(dir, 'storage'));
    const catalog = await openCatalog(path.join(dir, 'catalog.db'));
    const stratumWorker = await createWorker(defs, { connection: native, taskQueue: 'bench-stratum', catalog, maxConcurrentSteps: 100 });
    const stratumRunning = stratumWorker.run();
    const stratum = new StratumClient(client, defs, { taskQueue: 'bench-stratum', catalog });
    const runStratum = async (selection: string): Promise<{ result: RunResult; wallMs: number }> => {
      const started = Date.now();
      const result = await stratum.materialize({ selection, maxConcurrent: CONCURRENCY });
      return { result, wallMs: Date.now() - started };
    };
    await runStratum('group:chain'); // warm-up
    const stratumChain: number[] = [];
    const stratumChainWall: number[] = [];
    const stratumFanoutWall: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const chain = await runStratum('group:chain');
      stratumChain.push(chainStepMs(chain.result.steps));
      stratumChainWall.push(chain.wallMs);
      stratumFanoutWall.push((await runStratum('group:fanout')).wallMs);
    }
    stratumWorker.shutdown();
    await stratumRunning;
    await catalog.close();

    // --- Plain Temporal
    const plainWorker = await Worker.create({
      connection: native,
      taskQueue: 'bench-plain',
      workflowsPath: require.resolve('./plain-workflows'),
      activities: { noop: async () => ({ startedAt: Date.now(), endedAt: Date.now() }) },
      maxConcurrentActivityTaskExecutions: 100,
    });
    const plainRunning = plainWorker.run();
    const runPlain = async (type: string, args: number[]) => {
      const started = Date.now();
      const timings = (await client.workflow.execute(type, { taskQueue: 'bench-plain', workflowId: `plain-${type}-${Date.now()}`, args })) as { startedAt: number; endedAt: number }[];
      return { timings, wallMs: Date.now() - started };
    };
    await runPlain('plainChain', [CHAIN]); // warm-up
    const plainChain: number[] = [];
    const plainChainWall: number[] = [];
    const plainFanoutWall: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const chain = await runPlain('plainChain', [CHAIN]);
      plainChain.push(chainStepMs(chain.timings));
      plainChainWall.push(chain.wallMs);
      plainFanoutWall.push((await runPlain('plainFanout', [FANOUT - 1, CONCURRENCY])).wallMs);
    }
    plainWorker.shutdown();
    await plainRunning;

    const figures = {
      chainStepMs: round(median(stratumChain)),
      fanoutWallMs: Math.round(median(stratumFanoutWall)),
      plainChainStepMs: round(median(plainChain)),
      plainFanoutWallMs: Math.round(median(plainFanoutWall)),
      chainWallMs: Math.round(median(stratumChainWall)),
      plainChainWallMs: Math.round(median(plainChainWall)),
    };
    const ratio = round(figures.chainStepMs / figures.plainChainStepMs);
    const fanoutRatio = round(figures.fanoutWallMs / figures.plainFanoutWallMs);
    log('');
    log(`Per-step overhead, ${CHAIN}-asset chain (median gap between step ends, median of ${REPEATS} runs):`);
    log(`  Stratum ${figures.chainStepMs} ms   plain Temporal ${figures.plainChainStepMs} ms   ratio ${ratio}`);
    log(`Chain wall time: Stratum ${figures.chainWallMs} ms, plain ${figures.plainChainWallMs} ms`);
    log(`${FANOUT}-asset fan-out wall time (${CONCURRENCY} at once): Stratum ${figures.fanoutWallMs} ms, plain ${figures.plainFanoutWallMs} ms (ratio ${fanoutRatio})`);
    log(JSON.stringify({ bench: 'overhead', chainStepMs: figures.chainStepMs, fanoutWallMs: figures.fanoutWallMs, plainChainStepMs: figures.plainChainStepMs, ratio, plainFanoutWallMs: figures.plainFanoutWallMs, fanoutRatio }));
  } finally {
    await close();
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

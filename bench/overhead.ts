/**
 * `npm run bench -- overhead [--rounds N] [--cluster]`: Stratum's per-step cost against plain
 * Temporal code. A 100-asset chain and a 200-asset fan-out of no-op assets, run by Stratum in
 * the default mode (each step a regular activity) and in the local mode (`executionMode:
 * 'local'`, each step a local activity), and the same work as hand-written workflows calling
 * no-op activities (regular and local). The variants run interleaved, round-robin over several
 * rounds (the order rotating each round), so a change in the machine's load hits every variant
 * alike; figures are medians over the rounds, with the load average printed.
 *
 * The measurement ({@link measureOverhead}) takes a target (address, namespace, catalog): the
 * dev server this benchmark starts by default, a cluster (`--cluster`, through
 * test/harness/cluster) or any server a caller connects it to.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { StratumClient } from '../client/stratum-client';
import { asset, Definitions, filesystemIOManager, type AssetDefinition } from '../sdk';
import { openCatalog, type Catalog } from '../sdk/catalog';
import type { StepExecutionMode } from '../sdk/definitions/execution-mode';
import type { RunResult } from '../sdk/protocol/plan';
import { createWorker } from '../worker/create-worker';
import { median, startBenchEnv } from './bench-env';

const CHAIN = 100;
const FANOUT = 200;
const CONCURRENCY = 32;
const DEFAULT_ROUNDS = 5;

/** Where {@link measureOverhead} runs: a Temporal server and what the Stratum worker writes to. */
export interface OverheadTarget {
  /** Name in the report: `dev server`, `cluster`… */
  name: string;
  /** Frontend gRPC address, `host:port`. */
  address: string;
  namespace: string;
  /** Prefix of the task queues the measurement's workers poll (each call adds a unique suffix). Default `bench-overhead`. */
  taskQueuePrefix?: string;
  /** The Stratum worker's catalog (a PostgreSQL URL on a cluster); default a fresh SQLite file. */
  catalog?: Catalog | string;
}

/** Options of {@link measureOverhead}. */
export interface OverheadOptions {
  /** Rounds over every variant (after one warm-up round). Default 5. */
  rounds?: number;
  /** Progress lines. Default none. */
  log?: (line: string) => void;
}

/** A variant: who runs the steps, and how. */
type Variant = 'stratum' | 'stratumLocal' | 'plain' | 'plainLocal';
const VARIANTS: readonly Variant[] = ['stratum', 'stratumLocal', 'plain', 'plainLocal'];
const VARIANT_LABEL: Record<Variant, string> = {
  stratum: "Stratum, default mode (activities)",
  stratumLocal: "Stratum, executionMode 'local'",
  plain: 'plain Temporal, activities',
  plainLocal: 'plain Temporal, local activities',
};

/** What {@link measureOverhead} returns: medians over the rounds, by variant. */
export interface OverheadFigures {
  target: string;
  rounds: number;
  /** `os.loadavg()` (1, 5, 15 min) before the first round and after the last. */
  loadBefore: number[];
  loadAfter: number[];
  /** 100-step chain: median gap between consecutive step ends, ms. */
  chainStepMs: Record<Variant, number>;
  /** 100-step chain: wall time of the run / steps, ms. */
  chainWallPerStepMs: Record<Variant, number>;
  /** 200-step fan-out (32 at once): wall time of the run / steps, ms. */
  fanoutPerStepMs: Record<Variant, number>;
  /** Stratum over plain Temporal: default mode over activities, local mode over local activities. */
  ratios: { chain: number; fanout: number; localChain: number; localFanout: number; localChainVsPlain: number };
  /** The fan-out's Stratum (default mode) / plain ratio of each round, in round order: the spread behind `ratios.fanout`. */
  fanoutRatioByRound: number[];
}

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

/** Per-step cost of a sequential run: the median gap between one step's end and the next one's. */
function chainStepMs(timings: { endedAt: number | null }[]): number {
  const ends = timings.map((t) => t.endedAt!).sort((a, b) => a - b);
  return median(ends.slice(1).map((end, i) => end - ends[i]!));
}

/**
 * Measures the per-step cost of every variant on `target`: starts a Stratum worker and a plain
 * worker in this process on fresh task queues, runs one warm-up round, then `rounds` rounds of
 * chain and fan-out per variant, interleaved. Stops its workers and connections before it returns.
 *
 * @example
 * const cluster = await startTemporalCluster();
 * const figures = await measureOverhead({ name: 'cluster', address: cluster.address, namespace: cluster.namespace, catalog: cluster.catalogUrl });
 */
export async function measureOverhead(target: OverheadTarget, options: OverheadOptions = {}): Promise<OverheadFigures> {
  const rounds = options.rounds ?? DEFAULT_ROUNDS;
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(path.join(tmpdir(), 'stratum-bench-overhead-'));
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  const stratumQueue = `${target.taskQueuePrefix ?? 'bench-overhead'}-stratum-${suffix}`;
  const plainQueue = `${target.taskQueuePrefix ?? 'bench-overhead'}-plain-${suffix}`;
  const connection = await Connection.connect({ address: target.address });
  const native = await NativeConnection.connect({ address: target.address });
  const client = new Client({ connection, namespace: target.namespace });
  const catalog = typeof target.catalog === 'object' ? target.catalog : await openCatalog(target.catalog ?? path.join(dir, 'catalog.db'));
  try {
    const defs = benchDefinitions(path.join(dir, 'storage'));
    const stratumWorker = await createWorker(defs, { connection: native, namespace: target.namespace, taskQueue: stratumQueue, catalog, maxConcurrentSteps: 100 });
    const plainWorker = await Worker.create({
      connection: native,
      namespace: target.namespace,
      taskQueue: plainQueue,
      workflowsPath: require.resolve('./plain-workflows'),
      activities: { noop: async () => ({ startedAt: Date.now(), endedAt: Date.now() }) },
      maxConcurrentActivityTaskExecutions: 100,
    });
    const running = [stratumWorker.run(), plainWorker.run()];
    try {
      const stratum = new StratumClient(client, defs, { taskQueue: stratumQueue, catalog });
      const runStratum = async (selection: string, executionMode: StepExecutionMode) => {
        const started = Date.now();
        const result: RunResult = await stratum.materialize({ selection, maxConcurrent: CONCURRENCY, executionMode });
        if (result.status !== 'succeeded') throw new Error(`bench run ${selection} (${executionMode}) ended ${result.status}`);
        return { timings: result.steps, wallMs: Date.now() - started };
      };
      let plainRuns = 0;
      const runPlain = async (type: string, args: number[]) => {
        const started = Date.now();
        const workflowId = `bench-overhead-${type}-${suffix}-${(plainRuns += 1)}`;
        const timings = (await client.workflow.execute(type, { taskQueue: plainQueue, workflowId, args })) as { endedAt: number }[];
        return { timings, wallMs: Date.now() - started };
      };
      const chainOf: Record<Variant, () => Promise<{ timings: { endedAt: number | null }[]; wallMs: number }>> = {
        stratum: () => runStratum('group:chain', 'activity'),
        stratumLocal: () => runStratum('group:chain', 'local'),
        plain: () => runPlain('plainChain', [CHAIN]),
        plainLocal: () => runPlain('plainLocalChain', [CHAIN]),
      };
      const fanoutOf: Record<Variant, () => Promise<{ wallMs: number }>> = {
        stratum: () => runStratum('group:fanout', 'activity'),
        stratumLocal: () => runStratum('group:fanout', 'local'),
        plain: () => runPlain('plainFanout', [FANOUT - 1, CONCURRENCY]),
        plainLocal: () => runPlain('plainLocalFanout', [FANOUT - 1, CONCURRENCY]),
      };
      const samples = { chainStep: empty(), chainWall: empty(), fanout: empty() };
      const loadBefore = loadavg().map(round);
      log(`[${target.name}] warm-up round (load average ${loadBefore.join(' ')})`);
      for (const variant of VARIANTS) {
        await chainOf[variant]();
        await fanoutOf[variant]();
      }
      for (let r = 0; r < rounds; r++) {
        // Round-robin, starting one variant later each round.
        const order = VARIANTS.map((_, i) => VARIANTS[(i + r) % VARIANTS.length]!);
        for (const variant of order) {
          const chain = await chainOf[variant]();
          samples.chainStep[variant].push(chainStepMs(chain.timings));
          samples.chainWall[variant].push(chain.wallMs / CHAIN);
          samples.fanout[variant].push((await fanoutOf[variant]()).wallMs / FANOUT);
        }
        log(`[${target.name}] round ${r + 1}/${rounds} done (load average ${loadavg().map(round).join(' ')})`);
      }
      const medians = (s: Record<Variant, number[]>) => Object.fromEntries(VARIANTS.map((v) => [v, round(median(s[v]))])) as Record<Variant, number>;
      const chainStep = medians(samples.chainStep);
      const fanout = medians(samples.fanout);
      return {
        target: target.name,
        rounds,
        loadBefore,
        loadAfter: loadavg().map(round),
        chainStepMs: chainStep,
        chainWallPerStepMs: medians(samples.chainWall),
        fanoutPerStepMs: fanout,
        ratios: {
          chain: round(chainStep.stratum / chainStep.plain),
          fanout: round(fanout.stratum / fanout.plain),
          localChain: round(chainStep.stratumLocal / chainStep.plainLocal),
          localFanout: round(fanout.stratumLocal / fanout.plainLocal),
          localChainVsPlain: round(chainStep.stratumLocal / chainStep.plain),
        },
        fanoutRatioByRound: samples.fanout.stratum.map((ms, r) => round(ms / samples.fanout.plain[r]!)),
      };
    } finally {
      stratumWorker.shutdown();
      plainWorker.shutdown();
      await Promise.all(running);
    }
  } finally {
    if (typeof target.catalog !== 'object') await catalog.close();
    await connection.close();
    await native.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The readable report of one target's figures. */
export function describeOverhead(f: OverheadFigures): string[] {
  const row = (label: string, values: Record<Variant, number>) =>
    `  ${label.padEnd(34)}${VARIANTS.map((v) => `${String(values[v]).padStart(13)}`).join('')}`;
  return [
    `Per-step cost on the ${f.target}, ms (median of ${f.rounds} interleaved rounds; load average ${f.loadBefore.join(' ')} before, ${f.loadAfter.join(' ')} after):`,
    `  ${''.padEnd(34)}${VARIANTS.map((v) => v.padStart(13)).join('')}`,
    row(`${CHAIN}-step chain, gap between ends`, f.chainStepMs),
    row(`${CHAIN}-step chain, wall / steps`, f.chainWallPerStepMs),
    row(`${FANOUT}-step fan-out, wall / steps`, f.fanoutPerStepMs),
    `  Variants: ${VARIANTS.map((v) => `${v} = ${VARIANT_LABEL[v]}`).join('; ')}.`,
    `  Stratum / plain: chain ${f.ratios.chain}, fan-out ${f.ratios.fanout}; local mode / plain local: chain ${f.ratios.localChain}, fan-out ${f.ratios.localFanout}; local-mode chain / plain activities chain ${f.ratios.localChainVsPlain}.`,
    `  Fan-out Stratum / plain by round: ${f.fanoutRatioByRound.join(', ')}.`,
  ];
}

export async function runBench(argv: readonly string[] = process.argv.slice(3)): Promise<void> {
  const roundsArg = argv.indexOf('--rounds');
  const rounds = roundsArg >= 0 ? Number(argv[roundsArg + 1]) : DEFAULT_ROUNDS;
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number >= 1, got ${argv[roundsArg + 1]}`);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const results: OverheadFigures[] = [];
  const env = await startBenchEnv('overhead');
  try {
    results.push(await measureOverhead({ name: 'dev server', address: env.server.address, namespace: 'default' }, { rounds, log }));
  } finally {
    await env.close();
  }
  if (argv.includes('--cluster')) results.push(await measureOnCluster(rounds, log));
  log('');
  for (const figures of results) describeOverhead(figures).forEach((line) => log(line));
  log(JSON.stringify({ bench: 'overhead', results }));
}

/** What the bench uses of test/harness/cluster's `startTemporalCluster` (loaded only with `--cluster`). */
type StartCluster = (options: { log?: (line: string) => void }) => Promise<{ address: string; namespace: string; catalog: Catalog; stop(): Promise<void> }>;

/** The same measurement on a Temporal cluster from test/harness/cluster (PostgreSQL persistence, services as separate processes). */
async function measureOnCluster(rounds: number, log: (line: string) => void): Promise<OverheadFigures> {
  const harness = path.join(__dirname, '..', 'test', 'harness', 'cluster', 'index.ts');
  if (!existsSync(harness)) throw new Error('--cluster needs the cluster harness (test/harness/cluster), which this checkout does not have.');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startTemporalCluster } = require(harness) as { startTemporalCluster: StartCluster };
  log('Starting a Temporal cluster (PostgreSQL, four service processes)…');
  const cluster = await startTemporalCluster({ log: (line) => log(`  ${line}`) });
  try {
    return await measureOverhead({ name: 'cluster', address: cluster.address, namespace: cluster.namespace, catalog: cluster.catalog }, { rounds, log });
  } finally {
    await cluster.stop();
  }
}

function empty(): Record<Variant, number[]> {
  return { stratum: [], stratumLocal: [], plain: [], plainLocal: [] };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

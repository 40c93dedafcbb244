/**
 * `npm run bench -- backfill`: backfill throughput, worker memory and workflow history sizes.
 *
 * Starts an in-memory dev server and one `stratum worker` PROCESS (bench/backfill-defs.ts), then
 * - backfills 1,000 daily partitions of a 3-asset chain (3,000 asset-partitions) with maxConcurrent 32,
 *   `--rounds N` times (default 1), each round interleaving three variants in a rotating order:
 *   Stratum's default mode, the same chain with `executionMode: 'local'`, and plain Temporal code
 *   doing the same work (bench/plain-workflows.ts `plainBackfill`, its worker in this process);
 *   `--variants stratum,local,plain` picks some. Each variant's figures are the medians of its
 *   rounds: asset-partitions/s and the CPU ms per asset partition of the dev server and the worker;
 * - backfills 20,000 hourly partitions of a one-asset no-op graph, which must complete within 12
 *   minutes: past that `bigWallMs` is null (`bigActualWallMs` still has the time), and past a hard
 *   20-minute timeout the backfill is cancelled so the benchmark always ends.
 * The worker runs with STRATUM_WORKER_HEAP_MB=384 (unless set), so its memory figure stays
 * comparable. The worker process's RSS is sampled from /proc every 200 ms (peak = max of the samples and VmHWM),
 * with the PSS of the launcher and worker processes together beside it. After
 * each backfill, every workflow run of it (it continues-as-new) is described for its history
 * length and size, against Temporal's warning thresholds (10,240 events, 10 MiB). Catalog
 * partition counts are checked at the end (`--daily-only` skips the 20,000 hours). Ends with one JSON line:
 * `{"bench":"backfill","partitions":1000,"assetPartitionsPerSec":…,"wallMs":…,"peakRssMb":…,"bigPartitions":20000,"bigWallMs":…,…}`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { BackfillHandle } from '../client/backfill-handle';
import { startDevServer, type DevServer } from '../cli/dev/dev-server';
import { loadDefinitions } from '../cli/load-definitions';
import { StratumClient } from '../client/stratum-client';
import { backfillWorkflowId, type BackfillProgress, type BackfillRequest } from '../sdk/protocol/backfill';
import { openCatalog, type Catalog } from '../sdk/catalog';
import { median } from './bench-env';
import { childrenOf, treeCpuSeconds } from './process-cpu';

const DAILY_ASSETS = ['bench/events', 'bench/cleaned', 'bench/summary'];
const BIG_ASSET = 'bench/tick';
/** First partitions of bench/backfill-defs.ts (not imported: the definitions are loaded after STRATUM_STORAGE_DIR is set). */
const DAILY_START = '2020-01-01';
const HOURLY_START = '2022-01-01-00:00';
const PROGRESS_EVERY_MS = 5_000;
const RSS_EVERY_MS = 200;
/** Temporal's default history warnings: `limit.historyCount.warn` and `limit.historySize.warn`. */
const HISTORY_EVENTS_WARN = 10_240;
const HISTORY_BYTES_WARN = 10 * 1024 * 1024;
const TASK_QUEUE = 'bench-backfill';

const root = path.resolve(__dirname, '..');
const defsPath = path.join(__dirname, 'backfill-defs.ts');
const log = (line: string) => process.stdout.write(`${line}\n`);
const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10;

/** `2020-01-01` + n days, as a daily partition key. */
function dayKey(start: string, plusDays: number): string {
  return new Date(Date.parse(`${start}T00:00:00Z`) + plusDays * 86_400_000).toISOString().slice(0, 10);
}

/** `2022-01-01-00:00` + n hours, as an hourly partition key (UTC, `yyyy-MM-dd-HH:mm`). */
function hourKey(start: string, plusHours: number): string {
  const iso = new Date(Date.parse(`${start.slice(0, 10)}T${start.slice(11)}:00Z`) + plusHours * 3_600_000).toISOString();
  return `${iso.slice(0, 10)}-${iso.slice(11, 16)}`;
}

/** VmRSS / VmHWM of one process in kB, or null when it is gone. */
function procStatusOf(pid: number): { rssKb: number; hwmKb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
  } catch {
    return null;
  }
}

/** Proportional set size of one process in kB (shared pages split between the processes mapping them), or null. */
function pssOf(pid: number): number | null {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return null;
  }
}

/**
 * Samples the memory of `stratum worker`: the RSS of the process that runs the Temporal worker (the
 * launcher's heap-capped child; the launcher itself when it has none), and the PSS of the launcher and
 * its children together. Summing the two processes' RSS would count the Node binary's shared pages
 * twice (~35 MB); PSS splits them. `phase()` starts a new phase peak, the overall peaks keep going.
 */
class RssSampler {
  peakKb = 0;
  phasePeakKb = 0;
  lastKb = 0;
  /** Peak PSS of the launcher and its children, summed. */
  peakTreePssKb = 0;
  private timer: NodeJS.Timeout;

  constructor(private readonly launcherPid: number) {
    this.timer = setInterval(() => this.sample(), RSS_EVERY_MS);
    this.sample();
  }

  sample(): void {
    const children = childrenOf(this.launcherPid); // `stratum worker` runs the worker itself in a heap-capped child
    const s = procStatusOf(children[0] ?? this.launcherPid);
    if (!s) return;
    this.lastKb = s.rssKb;
    this.peakKb = Math.max(this.peakKb, s.rssKb, s.hwmKb);
    this.phasePeakKb = Math.max(this.phasePeakKb, s.rssKb);
    const pss = [this.launcherPid, ...children].map(pssOf);
    if (pss.every((kb) => kb !== null)) this.peakTreePssKb = Math.max(this.peakTreePssKb, pss.reduce((a, b) => a! + b!, 0)!);
  }

  phase(): void {
    this.sample();
    this.phasePeakKb = this.lastKb;
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }
}

/** The `stratum worker` process, with the tail of its output kept for error messages. */
interface WorkerProcess {
  child: ChildProcess;
  output: string[];
  /** Output lines mentioning the workflow history (warnings the SDK or server might print). */
  historyLines: string[];
  exited: Promise<void>;
}

function startWorkerProcess(env: NodeJS.ProcessEnv): WorkerProcess {
  // BENCH_WORKER_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the worker: its launcher, worker and workflow threads.
  const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'bin', 'stratum.js'), 'worker', '--defs', defsPath, '--no-start-server', '--grace', '2s'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const historyLines: string[] = [];
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    output.push(text);
    if (output.length > 200) output.splice(0, output.length - 200);
    for (const line of text.split('\n')) if (/history/i.test(line)) historyLines.push(line.trim());
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return { child, output, historyLines, exited };
}

async function waitForWorkerReady(worker: WorkerProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!worker.output.join('').includes('Worker polling task queue')) {
    if (worker.child.exitCode !== null || worker.child.signalCode !== null) {
      throw new Error(`The worker process exited before polling (code ${worker.child.exitCode}, signal ${worker.child.signalCode}):\n${worker.output.join('')}`);
    }
    if (Date.now() > deadline) throw new Error(`The worker process did not start polling within ${timeoutMs / 1000} s:\n${worker.output.join('')}`);
    await sleep(100);
  }
}

async function stopWorkerProcess(worker: WorkerProcess): Promise<void> {
  const { child } = worker;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const stopped = await Promise.race([worker.exited.then(() => true), sleep(15_000).then(() => false)]);
  if (!stopped) {
    child.kill('SIGKILL');
    await worker.exited;
  }
}

/** Sizes of the backfill benchmark (`npm run bench -- backfill` uses the defaults). */
/** The daily backfill's variants: Stratum's default mode, its opt-in local mode, and plain Temporal code doing the same work. */
type DailyVariant = 'stratum' | 'local' | 'plain';
const VARIANT_LABEL: Record<DailyVariant, string> = { stratum: 'Stratum, default mode', local: "Stratum, executionMode 'local'", plain: 'plain Temporal' };
const PLAIN_TASK_QUEUE = 'bench-backfill-plain';

/** One daily backfill's figures (`--rounds N` runs it N times on the same worker). */
interface DailyRound {
  wallMs: number;
  assetPartitionsPerSec: number;
  /** CPU time of the Temporal dev server (`temporal server start-dev`) per asset partition; null when its pid is unknown. */
  serverCpuMsPerAssetPartition: number | null;
  /** CPU time of the `stratum worker` process tree (launcher, worker, its threads) per asset partition. */
  workerCpuMsPerAssetPartition: number;
  /** 1-minute load average at the end of the round. */
  load: number;
}

export interface BackfillBenchOptions {
  /** Daily partitions of the 3-asset graph (default 1,000). */
  partitions?: number;
  /** Hourly partitions of the one-asset graph (default 20,000; 0 skips that backfill). */
  bigPartitions?: number;
  /** Child runs in flight at once (default 32). */
  maxConcurrent?: number;
  /** Variants of the daily backfill (default all three, or `--variants stratum,local,plain`). */
  variants?: DailyVariant[];
  /** Times the daily backfill runs (default 1, or `--rounds N`); figures are the medians, CPU per round beside them. */
  rounds?: number;
  /** Time the big backfill must complete in to count (default 12 minutes); past it, `bigWallMs` is null. */
  timeLimitMs?: number;
  /** Time each backfill gets before it is cancelled, so the benchmark always ends (default 20 minutes). */
  hardTimeoutMs?: number;
}

interface BackfillOutcome {
  backfillId: string;
  result: BackfillProgress | null;
  /** Start request to result; null when it timed out. */
  wallMs: number | null;
  timedOut: boolean;
  phasePeakRssKb: number;
}

/**
 * Starts a backfill, prints progress every 5 s, waits for its result within the timeout (cancelling
 * it on timeout), and fails early if the worker process dies.
 */
async function runBackfill(label: string, stratum: StratumClient, request: BackfillRequest, expectedTotal: number, worker: WorkerProcess, rss: RssSampler, timeoutMs: number): Promise<BackfillOutcome> {
  rss.phase();
  const started = Date.now();
  const backfill: BackfillHandle = await stratum.startBackfill(request);
  if (backfill.total !== expectedTotal) {
    await backfill.cancel().catch(() => undefined);
    throw new Error(`${label}: the backfill counts ${backfill.total} child runs, expected ${expectedTotal}.`);
  }
  log(`${label}: backfill ${backfill.backfillId} started, ${backfill.total} child runs, maxConcurrent ${request.maxConcurrent}.`);
  const ticker = setInterval(() => {
    backfill.progress().then(
      (p) => log(`  [${secs(Date.now() - started)}] ${p.done}/${p.total} done, ${p.failed} failed, ${p.running} running, ${p.ratePerSec} runs/s, workflow run ${p.workflowRuns}, worker RSS ${mb(rss.lastKb)} MB`),
      (error: unknown) => log(`  [${secs(Date.now() - started)}] progress query failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }, PROGRESS_EVERY_MS);
  try {
    const outcome = await Promise.race([
      backfill.result().then((result) => ({ kind: 'result' as const, result })),
      sleep(timeoutMs).then(() => ({ kind: 'timeout' as const })),
      worker.exited.then(() => ({ kind: 'worker-exited' as const })),
    ]);
    const wallMs = Date.now() - started;
    if (outcome.kind === 'worker-exited') {
      throw new Error(`${label}: the worker process exited during the backfill (code ${worker.child.exitCode}, signal ${worker.child.signalCode}):\n${worker.output.join('')}`);
    }
    if (outcome.kind === 'timeout') {
      const p = await backfill.progress().catch(() => null);
      log(`${label}: NOT finished within ${minutes(timeoutMs)}${p ? ` (${p.done}/${p.total} done, ${p.ratePerSec} runs/s)` : ''}; cancelling it.`);
      await backfill.cancel().catch(() => undefined);
      const canceled = await Promise.race([backfill.result().catch(() => null), sleep(60_000).then(() => null)]);
      if (!canceled) await backfill.handle.terminate('benchmark timeout').catch(() => undefined);
      return { backfillId: backfill.backfillId, result: canceled, wallMs: null, timedOut: true, phasePeakRssKb: rss.phasePeakKb };
    }
    return { backfillId: backfill.backfillId, result: outcome.result, wallMs, timedOut: false, phasePeakRssKb: rss.phasePeakKb };
  } catch (error) {
    await backfill.cancel().catch(() => undefined);
    throw error;
  } finally {
    clearInterval(ticker);
  }
}

interface HistoryFigures {
  runs: number;
  maxEvents: number;
  maxBytes: number;
  perRun: number[];
  warning: boolean;
}

/**
 * History length and size of every workflow run of a backfill (one per continue-as-new), from
 * `describe()` of each run the visibility store lists (waiting for it to list all `expectedRuns`).
 */
async function backfillHistory(client: Client, backfillId: string, expectedRuns: number): Promise<HistoryFigures> {
  const workflowId = backfillWorkflowId(backfillId);
  let runIds: string[] = [];
  for (let attempt = 0; attempt < 30; attempt++) {
    runIds = [];
    for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runIds.push(execution.runId);
    if (runIds.length >= expectedRuns) break;
    await sleep(500);
  }
  const perRun: number[] = [];
  let maxBytes = 0;
  for (const runId of runIds) {
    const description = await client.workflow.getHandle(workflowId, runId).describe();
    perRun.push(description.historyLength);
    maxBytes = Math.max(maxBytes, description.historySize ?? 0);
  }
  const maxEvents = Math.max(0, ...perRun);
  return { runs: runIds.length, maxEvents, maxBytes, perRun, warning: maxEvents > HISTORY_EVENTS_WARN || maxBytes > HISTORY_BYTES_WARN };
}

function describeHistory(label: string, history: HistoryFigures, resultRuns: number | undefined): void {
  log(`${label}: ${resultRuns ?? '?'} workflow runs (result.workflowRuns); ${history.runs} listed by visibility.`);
  log(`  history per run: max ${history.maxEvents} events (warning at ${HISTORY_EVENTS_WARN}), max ${(history.maxBytes / 1024).toFixed(0)} KiB (warning at ${HISTORY_BYTES_WARN / 1024 / 1024} MiB)`);
  log(`  history-size warning: ${history.warning ? 'YES — a run went past the threshold' : 'none'}`);
}

export async function runBench(options: BackfillBenchOptions = {}): Promise<void> {
  const partitions = options.partitions ?? 1_000;
  // `npm run bench -- backfill --daily-only` skips the 20,000-partition backfill.
  const bigPartitions = options.bigPartitions ?? (process.argv.includes('--daily-only') ? 0 : 20_000);
  const maxConcurrent = options.maxConcurrent ?? 32;
  const roundsArg = process.argv.indexOf('--rounds');
  const rounds = options.rounds ?? (roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 1);
  const variantsArg = process.argv.indexOf('--variants');
  const variants: DailyVariant[] = options.variants ?? (variantsArg > 0 ? (process.argv[variantsArg + 1] ?? '').split(',').filter(Boolean) as DailyVariant[] : ['stratum', 'local', 'plain']);
  const unknownVariant = variants.find((v) => !(v in VARIANT_LABEL));
  if (unknownVariant !== undefined || !variants.includes('stratum')) {
    throw new Error(`--variants takes a comma-separated list of ${Object.keys(VARIANT_LABEL).join(', ')}, including stratum (got ${process.argv[variantsArg + 1]}).`);
  }
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds needs a whole number of daily backfills, at least 1 (got ${process.argv[roundsArg + 1]}).`);
  const timeLimitMs = options.timeLimitMs ?? 12 * 60_000;
  const timeoutMs = Math.max(options.hardTimeoutMs ?? 20 * 60_000, timeLimitMs);
  const dir = mkdtempSync(path.join(tmpdir(), 'stratum-bench-backfill-'));
  const storageDir = path.join(dir, 'storage');
  const catalogFile = path.join(dir, 'catalog.db');
  // The benchmark's own copy of the definitions resolves the filesystem IO manager's folder from this.
  process.env.STRATUM_STORAGE_DIR = storageDir;
  let server: DevServer | undefined;
  let worker: WorkerProcess | undefined;
  let rss: RssSampler | undefined;
  let connection: Connection | undefined;
  let catalog: Catalog | undefined;
  let plainWorker: { worker: Worker; running: Promise<void>; connection: NativeConnection } | undefined;
  try {
    log('Starting a Temporal dev server (in memory, headless)…');
    server = await startDevServer({ port: 0, dbFile: null, headless: true, log: () => undefined });
    const env = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: 'default',
      STRATUM_TASK_QUEUE: TASK_QUEUE,
      STRATUM_CATALOG: catalogFile,
      STRATUM_STORAGE_DIR: storageDir,
      // The memory figure is measured with this cap (the default cap is half the machine's memory).
      STRATUM_WORKER_HEAP_MB: process.env.STRATUM_WORKER_HEAP_MB ?? '384',
    };
    log(`Starting a worker process: stratum worker --defs ${path.relative(root, defsPath)}…`);
    worker = startWorkerProcess(env);
    rss = new RssSampler(worker.child.pid!);
    await waitForWorkerReady(worker, 120_000);
    log(`Worker ${worker.child.pid} polling; RSS at start ${mb(rss.lastKb)} MB.`);

    const definitions = loadDefinitions(defsPath);
    catalog = await openCatalog(catalogFile);
    connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: 'default' });
    const stratum = new StratumClient(client, definitions, { taskQueue: TASK_QUEUE, catalog });
    if (variants.includes('plain')) {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
      // Plain Temporal code doing the same work: a parent starting one child per day, each running three no-op activities in a row.
      const native = await NativeConnection.connect({ address: server.address });
      const plain = await Worker.create({
        connection: native,
        taskQueue: PLAIN_TASK_QUEUE,
        workflowsPath: require.resolve('./plain-workflows'),
        activities: { noop: async () => ({ startedAt: Date.now(), endedAt: Date.now() }) },
        maxConcurrentActivityTaskExecutions: 100,
        maxCachedWorkflows: 400,
      });
      plainWorker = { worker: plain, running: plain.run(), connection: native };
    }

    // --- 1,000 daily partitions × 3 assets
    const from = dayKey(DAILY_START, 0);
    const to = dayKey(DAILY_START, partitions - 1);
    log('');
    log(`Backfill 1: ${partitions} daily partitions (${from} to ${to}) of ${DAILY_ASSETS.join(' -> ')}, maxConcurrent ${maxConcurrent}`);
    // Each round backfills the same days with every variant, in a rotating order (interleaved, so a
    // machine that speeds up or slows down during the benchmark affects all variants alike).
    const assetPartitions = partitions * DAILY_ASSETS.length;
    const byVariant: Record<DailyVariant, DailyRound[]> = { stratum: [], local: [], plain: [] };
    /** The history figures of the last default-mode backfill, described after the rounds. */
    let stratumHistory: { figures: HistoryFigures; workflowRuns: number } | undefined;
    const runVariant = async (variant: DailyVariant): Promise<DailyRound> => {
      const cpuBefore = { server: server!.pid === null ? 0 : treeCpuSeconds(server!.pid), worker: treeCpuSeconds(worker!.child.pid!), bench: process.cpuUsage() };
      const started = Date.now();
      if (variant === 'plain') {
        const done = await client.workflow.execute('plainBackfill', { taskQueue: PLAIN_TASK_QUEUE, workflowId: `bench-plain-backfill-${Date.now()}`, args: [partitions, DAILY_ASSETS.length, maxConcurrent] });
        if (done !== partitions) throw new Error(`The plain backfill ran ${done} child workflows, expected ${partitions}.`);
      } else {
        const selection = variant === 'stratum' ? 'group:bench_daily' : 'group:bench_daily_local';
        const outcome = await runBackfill(`daily (${VARIANT_LABEL[variant]})`, stratum, { selection, partitions: { from, to }, maxConcurrent }, partitions, worker!, rss!, timeoutMs);
        if (outcome.timedOut || !outcome.result) throw new Error(`The ${partitions}-partition backfill did not finish within ${minutes(timeoutMs)}.`);
        if (outcome.result.status !== 'completed') {
          throw new Error(`The ${partitions}-partition backfill ended ${outcome.result.status}: ${outcome.result.failed} failed (${outcome.result.failedItems.slice(0, 10).join(', ')}).\nWorker output:\n${worker!.output.join('')}`);
        }
        if (variant === 'stratum') {
          stratumHistory = { figures: await backfillHistory(client, outcome.backfillId, outcome.result.workflowRuns), workflowRuns: outcome.result.workflowRuns };
        }
      }
      const wallMs = Date.now() - started;
      const cpuMsPer = (cpuSeconds: number) => round((cpuSeconds * 1000) / assetPartitions);
      const bench = process.cpuUsage(cpuBefore.bench);
      return {
        wallMs,
        assetPartitionsPerSec: round(assetPartitions / (wallMs / 1000)),
        serverCpuMsPerAssetPartition: server!.pid === null ? null : cpuMsPer(treeCpuSeconds(server!.pid) - cpuBefore.server),
        // The plain variant's worker runs in this process (its CPU includes the benchmark's own, which is small).
        workerCpuMsPerAssetPartition: cpuMsPer(variant === 'plain' ? (bench.user + bench.system) / 1e6 : treeCpuSeconds(worker!.child.pid!) - cpuBefore.worker),
        load: round(loadavg()[0]!),
      };
    };
    for (let r = 0; r < rounds; r++) {
      for (let v = 0; v < variants.length; v++) {
        const variant = variants[(v + r) % variants.length]!;
        const figures = await runVariant(variant);
        byVariant[variant].push(figures);
        log(
          `daily round ${r + 1}/${rounds}, ${VARIANT_LABEL[variant]}: ${secs(figures.wallMs)}, ${figures.assetPartitionsPerSec} asset-partitions/s; ` +
            `CPU ms per asset partition: server ${figures.serverCpuMsPerAssetPartition ?? '?'}, worker ${figures.workerCpuMsPerAssetPartition}; load ${figures.load}`,
        );
      }
    }
    const summarize = (list: DailyRound[]) =>
      list.length === 0
        ? null
        : {
            wallMs: median(list.map((d) => d.wallMs)),
            assetPartitionsPerSec: median(list.map((d) => d.assetPartitionsPerSec)),
            serverCpuMsPerAssetPartition: list[0]!.serverCpuMsPerAssetPartition === null ? null : median(list.map((d) => d.serverCpuMsPerAssetPartition!)),
            workerCpuMsPerAssetPartition: median(list.map((d) => d.workerCpuMsPerAssetPartition)),
          };
    const daily = summarize(byVariant.stratum)!;
    const local = summarize(byVariant.local);
    const plain = summarize(byVariant.plain);
    const wallMs = daily.wallMs;
    const assetPartitionsPerSec = daily.assetPartitionsPerSec;
    describeHistory('daily', stratumHistory!.figures, stratumHistory!.workflowRuns);
    const counts: Record<string, number> = {};
    for (const key of DAILY_ASSETS) counts[key] = (await catalog.partitionSummary(key)).materialized;
    const countsOk = DAILY_ASSETS.every((key) => counts[key] === partitions);
    log(`  catalog: ${DAILY_ASSETS.map((k) => `${k} ${counts[k]}`).join(', ')} materialized partitions — ${countsOk ? 'OK' : `MISMATCH (expected ${partitions} each)`}`);
    if (!countsOk) throw new Error(`Catalog partition counts do not match the backfill: ${JSON.stringify(counts)}, expected ${partitions} each.`);

    // --- 20,000 hourly partitions × 1 asset
    let big: BackfillOutcome | null = null;
    let bigHistory: HistoryFigures | null = null;
    if (bigPartitions > 0) {
      const bigFrom = hourKey(HOURLY_START, 0);
      const bigTo = hourKey(HOURLY_START, bigPartitions - 1);
      log('');
      log(`Backfill 2: ${bigPartitions} hourly partitions (${bigFrom} to ${bigTo}) of ${BIG_ASSET}, maxConcurrent ${maxConcurrent} (must complete within ${minutes(timeLimitMs)}; cancelled after ${minutes(timeoutMs)})`);
      big = await runBackfill('hourly', stratum, { selection: 'group:bench_hourly', partitions: { from: bigFrom, to: bigTo }, maxConcurrent }, bigPartitions, worker, rss, timeoutMs);
      bigHistory = await backfillHistory(client, big.backfillId, big.result?.workflowRuns ?? 1);
      const bigMaterialized = (await catalog.partitionSummary(BIG_ASSET)).materialized;
      if (big.timedOut) log(`hourly: did not complete within ${minutes(timeoutMs)} (cancelled); bigWallMs = null.`);
      else {
        log(`hourly: ${big.result!.status} in ${secs(big.wallMs!)}: ${round(bigPartitions / (big.wallMs! / 1000))} partition runs/s, ${big.result!.failed} failed, worker RSS peak ${mb(big.phasePeakRssKb)} MB`);
        if (big.wallMs! > timeLimitMs) log(`hourly: took longer than ${minutes(timeLimitMs)}; bigWallMs = null (bigActualWallMs has the time).`);
      }
      describeHistory('hourly', bigHistory, big.result?.workflowRuns);
      const complete = !big.timedOut && big.result?.status === 'completed';
      log(`  catalog: ${BIG_ASSET} ${bigMaterialized} materialized partitions${complete ? (bigMaterialized === bigPartitions ? ' — OK' : ` — MISMATCH (expected ${bigPartitions})`) : ''}`);
    }
    const bigCompleted = big !== null && !big.timedOut && big.result?.status === 'completed';
    const bigActualWallMs = bigCompleted ? big!.wallMs : null;
    const bigWallMs = bigActualWallMs !== null && bigActualWallMs <= timeLimitMs ? bigActualWallMs : null;
    const bigStatus = big === null ? 'skipped' : big.timedOut ? 'timeout' : bigCompleted && bigWallMs === null ? 'over_time_limit' : big.result!.status;

    rss.stop();
    const peakRssMb = mb(rss.peakKb);
    const peakTreePssMb = mb(rss.peakTreePssKb);
    const historyWarning = stratumHistory!.figures.warning || (bigHistory?.warning ?? false) || worker.historyLines.length > 0;
    const maxHistoryEvents = Math.max(stratumHistory!.figures.maxEvents, bigHistory?.maxEvents ?? 0);
    log('');
    log(`Summary (${maxConcurrent} child runs at once, dev server and one worker process on this machine):`);
    for (const [variant, figures] of [['stratum', daily], ['local', local], ['plain', plain]] as const) {
      if (figures === null) continue;
      log(
        `  ${partitions} partitions × ${DAILY_ASSETS.length} assets, ${VARIANT_LABEL[variant]}${rounds > 1 ? ` (median of ${rounds})` : ''}: ${secs(figures.wallMs)}, ${figures.assetPartitionsPerSec} asset-partitions/s; ` +
          `CPU ms per asset partition: server ${figures.serverCpuMsPerAssetPartition ?? '?'}, worker ${figures.workerCpuMsPerAssetPartition}`,
      );
    }
    if (plain !== null) log(`  Stratum (default mode) / plain Temporal throughput: ${round(daily.assetPartitionsPerSec / plain.assetPartitionsPerSec)}`);
    log(`  ${bigPartitions} partitions × 1 asset: ${bigWallMs !== null ? secs(bigWallMs) : bigStatus === 'skipped' ? 'skipped' : bigActualWallMs !== null ? `${secs(bigActualWallMs)}, over the ${minutes(timeLimitMs)} limit` : `did not complete (${bigStatus})`}`);
    log(`  peak worker RSS: ${peakRssMb} MB (target < 400 MB); launcher + worker PSS: ${peakTreePssMb} MB`);
    log(`  max history per workflow run: ${maxHistoryEvents} events; history-size warning: ${historyWarning ? 'YES' : 'no'}`);
    if (worker.historyLines.length > 0) log(`  worker output mentioning history:\n    ${worker.historyLines.slice(0, 10).join('\n    ')}`);
    log(
      JSON.stringify({
        bench: 'backfill',
        partitions,
        assetPartitionsPerSec,
        wallMs,
        rounds,
        serverCpuMsPerAssetPartition: daily.serverCpuMsPerAssetPartition,
        workerCpuMsPerAssetPartition: daily.workerCpuMsPerAssetPartition,
        localAssetPartitionsPerSec: local?.assetPartitionsPerSec ?? null,
        localWorkerCpuMsPerAssetPartition: local?.workerCpuMsPerAssetPartition ?? null,
        plainAssetPartitionsPerSec: plain?.assetPartitionsPerSec ?? null,
        plainWorkerCpuMsPerAssetPartition: plain?.workerCpuMsPerAssetPartition ?? null,
        stratumOverPlain: plain === null ? null : round(daily.assetPartitionsPerSec / plain.assetPartitionsPerSec),
        peakRssMb,
        peakTreePssMb,
        bigPartitions,
        bigWallMs,
        bigActualWallMs,
        maxHistoryEvents,
        historyWarning,
        workflowRuns: stratumHistory!.workflowRuns,
        bigWorkflowRuns: big?.result?.workflowRuns ?? null,
        bigStatus,
      }),
    );
  } finally {
    rss?.stop();
    if (worker) await stopWorkerProcess(worker);
    if (plainWorker) {
      plainWorker.worker.shutdown();
      await plainWorker.running.catch(() => undefined);
      await plainWorker.connection.close().catch(() => undefined);
    }
    await connection?.close().catch(() => undefined);
    await catalog?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

function minutes(ms: number): string {
  return `${Math.round((ms / 60_000) * 10) / 10} minutes`;
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

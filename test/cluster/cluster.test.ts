/**
 * Stratum on a real Temporal cluster (issue 13): temporal-server v1.29.1 on PostgreSQL with its
 * frontend, history, matching and worker services as separate processes, four history shards,
 * a PostgreSQL catalog, and two `stratum worker` processes on one task queue (the harness,
 * test/harness/cluster/). A run, a backfill, a schedule and a sensor work there; a worker killed
 * in the middle of a backfill and a history service restarted in the middle of a run lose and
 * double nothing.
 *
 * The cluster is this file's own (started in beforeAll, ~15 s); the dev server of the jest
 * global setup is not used.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDefinitions } from '../../cli/load-definitions';
import { StratumClient } from '../../client/stratum-client';
import { scheduleIdOf } from '../../sdk/automation/schedules/schedule';
import type { Definitions } from '../../sdk/definitions/definitions';
import { runStratum } from '../harness/cli-process';
import { startTemporalCluster, type TemporalCluster } from '../harness/cluster';
import { waitFor } from '../harness/wait';

const defsPath = path.join(__dirname, '..', 'fixtures', 'cluster-defs.ts');
/** The two daily assets, `cluster/events -> cluster/daily_summary`. */
const daily = '*cluster/daily_summary';

/** Lines `<asset> <partition> <attempt> <pid>` the fixture's steps wrote. */
function stepsLogged(dir: string): { asset: string; partitionKey: string; attempt: number; pid: number }[] {
  const file = path.join(dir, 'steps.log');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [asset, partitionKey, attempt, pid] = l.split(' ');
      return { asset: asset!, partitionKey: partitionKey!, attempt: Number(attempt), pid: Number(pid) };
    });
}

function dayRange(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) days.push(d.toISOString().slice(0, 10));
  return days;
}

/** Materializations per partition key of `assetKey` in the catalog. */
async function perPartition(cluster: TemporalCluster, assetKey: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const row of await cluster.catalog.materializationHistory(assetKey, { limit: 10_000 })) counts.set(row.partitionKey!, (counts.get(row.partitionKey!) ?? 0) + 1);
  return counts;
}

describe('Stratum on a Temporal cluster (PostgreSQL, four service processes, two workers)', () => {
  const markerDir = mkdtempSync(path.join(tmpdir(), 'stratum-cluster-test-'));
  let cluster: TemporalCluster;
  let definitions: Definitions;
  let stratum: StratumClient;

  beforeAll(async () => {
    cluster = await startTemporalCluster({
      workers: 2,
      defs: defsPath,
      workerEnv: { CLUSTER_MARKER_DIR: markerDir },
      log: (line) => process.stderr.write(`${line}\n`),
    });
    definitions = loadDefinitions(defsPath);
    stratum = new StratumClient(cluster.client, definitions, { taskQueue: cluster.taskQueue, catalog: cluster.catalog });
  }, 240_000);

  afterAll(async () => {
    await cluster?.stop();
    rmSync(markerDir, { recursive: true, force: true });
  }, 60_000);

  /** The workers' output, for failure messages. */
  const workerOutput = () => cluster.workers.map((w) => `--- worker ${w.index} (pid ${w.pid}) ---\n${w.output.join('').slice(-2000)}`).join('\n');

  test('the cluster is four service processes on free ports (not 7233) with the namespace set up', async () => {
    const pids = Object.values(cluster.services).map((s) => s.pid);
    expect(pids.every((pid) => typeof pid === 'number')).toBe(true);
    expect(new Set(pids).size).toBe(4);
    expect(cluster.address).not.toMatch(/:7233$/);
    const attributes = await cluster.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(Object.keys(attributes.customAttributes ?? {})).toEqual(expect.arrayContaining(['StratumAssetKeys', 'StratumKind', 'StratumBackfillId']));
  });

  test('a run materializes a small graph; its catalog rows are in PostgreSQL', async () => {
    const result = await stratum.materialize({ selection: '*cluster/report' });
    expect({ status: result.status, output: result.status === 'succeeded' ? '' : workerOutput() }).toEqual({ status: 'succeeded', output: '' });
    expect(result.steps.map((s) => s.key).sort()).toEqual(['cluster/clean', 'cluster/raw', 'cluster/report']);
    const rows = await cluster.catalog.runMaterializations(result.runId);
    expect(rows.map((r) => r.assetKey).sort()).toEqual(['cluster/clean', 'cluster/raw', 'cluster/report']);
    expect(cluster.catalogUrl).toMatch(/^postgres:\/\//);
    const run = await cluster.catalog.getRun(result.runId);
    expect(run?.status).toBe('succeeded');
  });

  test('a backfill of 30 daily partitions materializes each asset partition once', async () => {
    const days = dayRange('2024-02-01', '2024-03-01');
    const backfill = await stratum.startBackfill({ selection: daily, partitions: { from: days[0]!, to: days.at(-1)! }, maxConcurrent: 6, backfillId: `cluster-bf-${Date.now().toString(36)}` });
    expect(backfill.total).toBe(30);
    const result = await backfill.result();
    expect(result).toMatchObject({ status: 'completed', total: 60, done: 60, failed: 0 });
    for (const assetKey of ['cluster/events', 'cluster/daily_summary']) {
      const counts = await perPartition(cluster, assetKey);
      expect({ assetKey, keys: days.filter((d) => counts.get(d) !== 1) }).toEqual({ assetKey, keys: [] });
    }
  });

  test('a deployed schedule ticks every 2 s and its run lands in the catalog', async () => {
    const deployed = await runStratum(['deploy', '--defs', defsPath], cluster.env);
    expect({ code: deployed.code, stderr: deployed.stderr }).toMatchObject({ code: 0 });
    try {
      await waitFor(async () => (await cluster.catalog.listRuns({ assetKey: 'cluster/scheduled', limit: 100 })).some((r) => r.tags['stratum/schedule'] === 'cluster_every_2s' && r.status === 'succeeded'), 60_000, 250);
    } finally {
      await cluster.client.schedule.getHandle(scheduleIdOf('cluster_every_2s')).delete();
    }
    const [run] = (await cluster.catalog.listRuns({ assetKey: 'cluster/scheduled', limit: 100 })).filter((r) => r.status === 'succeeded');
    expect((await cluster.catalog.runMaterializations(run!.runId)).map((m) => m.assetKey)).toEqual(['cluster/scheduled']);
  });

  test('a sensor requests a run, which runs once however often the sensor ticks', async () => {
    await stratum.startSensor('cluster_sensor');
    try {
      const sensorRuns = async () => (await cluster.catalog.listRuns({ assetKey: 'cluster/sensed', limit: 100 })).filter((r) => r.tags['stratum/sensor'] === 'cluster_sensor');
      await waitFor(async () => (await sensorRuns()).some((r) => r.status === 'succeeded'), 60_000, 250);
      // Later ticks ask for the same run key: refused as used, no second run.
      await waitFor(async () => ((await stratum.sensorState('cluster_sensor'))?.counters.duplicates ?? 0) >= 2, 60_000, 250);
      expect((await sensorRuns()).length).toBe(1);
    } finally {
      await stratum.stopSensor('cluster_sensor');
    }
  });

  test('a worker SIGKILLed in the middle of a backfill: the other worker finishes it, nothing lost or doubled', async () => {
    const days = dayRange('2024-04-01', '2024-04-30');
    const backfillId = `cluster-kill-${Date.now().toString(36)}`;
    const logged = () => stepsLogged(markerDir).filter((s) => s.partitionKey >= days[0]! && s.partitionKey <= days.at(-1)!);
    const backfill = await stratum.startBackfill({ selection: daily, partitions: { from: days[0]!, to: days.at(-1)! }, maxConcurrent: 6, backfillId });
    const victim = cluster.workers.find((w) => w.running())!;
    // Kill once both workers have done work on it, with child runs in flight.
    await waitFor(() => logged().filter((s) => s.asset === 'cluster/daily_summary').length >= 5 && logged().some((s) => s.pid === victim.pid), 90_000, 50);
    await waitFor(async () => (await cluster.catalog.listRuns({ backfillId, limit: 1_000 })).some((r) => r.status === 'started'), 10_000, 20);
    await cluster.killWorker(victim.index);
    const doneAtKill = new Set(logged().filter((s) => s.asset === 'cluster/daily_summary').map((s) => s.partitionKey));
    expect(doneAtKill.size).toBeLessThan(30);

    const result = await backfill.result();
    expect({ result, output: result.status === 'completed' ? '' : workerOutput() }).toMatchObject({ result: { status: 'completed', total: 60, done: 60, failed: 0, blocked: 0 }, output: '' });
    const survivors = new Set(cluster.workers.filter((w) => w.running()).map((w) => w.pid));
    expect(logged().some((s) => survivors.has(s.pid) && !doneAtKill.has(s.partitionKey))).toBe(true);

    for (const assetKey of ['cluster/events', 'cluster/daily_summary']) {
      const counts = await perPartition(cluster, assetKey);
      expect({ assetKey, missing: days.filter((d) => !counts.has(d)), doubled: days.filter((d) => (counts.get(d) ?? 0) > 1) }).toEqual({ assetKey, missing: [], doubled: [] });
    }
    // One child run per partition, each succeeded.
    const runs = await cluster.catalog.listRuns({ backfillId, limit: 1_000 });
    const runsPerDay = new Map<string, number>();
    for (const run of runs) runsPerDay.set(run.partitionKey!, (runsPerDay.get(run.partitionKey!) ?? 0) + 1);
    expect([...runsPerDay.keys()].sort()).toEqual(days);
    expect([...runsPerDay.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(runs.filter((r) => r.status !== 'succeeded').map((r) => `${r.partitionKey}: ${r.status}`)).toEqual([]);

    // Back to two workers for what follows.
    await cluster.startWorker();
  });

  test('the history service restarted in the middle of a run: the run completes, each asset materialized once', async () => {
    const handle = await stratum.start({ selection: '*cluster/slow_4' });
    await waitFor(async () => (await cluster.catalog.runMaterializations(handle.plan.runId)).length >= 1, 60_000, 50);
    const historyPid = cluster.services.history.pid;
    await cluster.restartService('history');
    expect(cluster.services.history.pid).not.toBe(historyPid);
    // The run was still going when history came back.
    expect((await cluster.catalog.runMaterializations(handle.plan.runId)).length).toBeLessThan(4);
    const result = await handle.result();
    expect({ status: result.status, output: result.status === 'succeeded' ? '' : workerOutput() }).toEqual({ status: 'succeeded', output: '' });
    const rows = await cluster.catalog.runMaterializations(handle.plan.runId);
    expect(rows.map((r) => r.assetKey).sort()).toEqual(['cluster/slow_1', 'cluster/slow_2', 'cluster/slow_3', 'cluster/slow_4']);
    for (let n = 1; n <= 4; n++) expect({ n, materializations: (await cluster.catalog.materializationHistory(`cluster/slow_${n}`, { limit: 100 })).length }).toEqual({ n, materializations: 1 });
  });
});

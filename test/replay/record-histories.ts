/**
 * Records workflow histories for the replay test: run with `node bin/run-ts.js test/replay/record-histories.ts`
 * when a new kind of execution ships. It starts its own dev server and worker, runs a few
 * representative executions and writes the histories that are not recorded yet to
 * test/replay/histories/*.json. Histories of earlier releases are kept as they are (they are the
 * point of the test); `--force` re-records every one, only ever before a first release.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startDevServer } from '../../cli/dev/dev-server';
import { findOrBuildTemporalCli } from '../../cli/dev/temporal-binary';
import { StratumClient } from '../../client/stratum-client';
import { startSensor, stopSensor, triggerSensor } from '../../client/sensor-client';
import { openCatalog } from '../../sdk/catalog';
import { StratumSearchAttributes } from '../../sdk/protocol/search-attributes';
import { SENSOR } from '../../sdk/protocol/sensor-contract';
import { createWorker } from '../../worker/create-worker';
import { failures, files, replayDefinitions, sourceSensor } from './replay-defs';

const force = process.argv.includes('--force');

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dir = mkdtempSync(path.join(tmpdir(), 'stratum-record-'));
  const server = await startDevServer({ port: 0, dbFile: null, headless: true });
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  const native = await NativeConnection.connect({ address: server.address });
  const catalog = await openCatalog(path.join(dir, 'catalog.db'));
  const worker = await createWorker(replayDefinitions, { connection: native, taskQueue: 'record', catalog });
  const running = worker.run();
  const stratum = new StratumClient(client, replayDefinitions, { taskQueue: 'record', catalog });
  const cli = await findOrBuildTemporalCli();
  // The Temporal CLI writes histories in the JSON form historyFromJSON reads.
  const save = async (name: string, workflowId: string) => {
    const file = path.join(__dirname, 'histories', `${name}.json`);
    if (existsSync(file) && !force) return console.log(`kept ${name} (recorded by an earlier release)`);
    const json = execFileSync(cli, ['workflow', 'show', '--workflow-id', workflowId, '--address', server.address, '--output', 'json'], { encoding: 'utf8' });
    writeFileSync(file, json);
    console.log(`recorded ${name} (${(JSON.parse(json).events ?? []).length} events)`);
  };
  try {
    const ok = await stratum.start({ selection: 'replay/source*' });
    await ok.result().catch(() => undefined);
    await save('materialize-with-failure', ok.workflowId);
    const backfill = await stratum.startBackfill({ selection: 'replay/daily', partitions: { from: '2024-01-01', to: '2024-01-12' }, maxConcurrent: 3, childrenPerWorkflowRun: 5 });
    await backfill.result();
    // The last run of the backfill (after continue-as-new) and the first child run.
    await save('backfill-after-continue-as-new', backfill.workflowId);

    // A run that notifies an asset sensor and a run-failure sensor, with a failing blocking check.
    for (const s of [sourceSensor, failures]) await startSensor(client, s, { taskQueue: 'record' });
    const notifying = await stratum.start({ selection: 'replay/source, replay/fine' });
    await notifying.result().catch(() => undefined);
    await save('materialize-notifying-sensors', notifying.workflowId);

    // A payload sensor after continue-as-new (three evaluations per workflow run): its second run
    // is reconfigured, polls once at the new interval, then stops.
    const started = await startSensor(client, files, { taskQueue: 'record', evaluationsPerRun: 3 });
    for (const id of ['a', 'b', 'a']) await triggerSensor(client, files, { id }, { wait: true });
    // `stratum deploy` changing its settings, then a tick at the new interval.
    await client.workflow.getHandle(started.workflowId).signal(SENSOR.configureSignal, { everyMs: 1_000, evaluationTimeoutMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await stopSensor(client, files.name);
    await client.workflow.getHandle(started.workflowId).result();
    await save('sensor-after-continue-as-new', started.workflowId);
    for (const s of [sourceSensor, failures]) await stopSensor(client, s.name);

    // One tick of a schedule, started as the Schedule's action starts it.
    const tickId = 'stratum/schedule/replay_hourly-2024-01-01T00:00:00Z';
    const tick = await client.workflow.start('scheduledRun', {
      workflowId: tickId,
      taskQueue: 'record',
      args: [{ schedule: 'replay_hourly' }],
      typedSearchAttributes: [{ key: StratumSearchAttributes.kind, value: 'run' }] as any,
    });
    await tick.result().catch(() => undefined); // its blocking check fails: recorded as a failed run
    await save('scheduled-run', tickId);
  } finally {
    worker.shutdown();
    await running;
    await native.close();
    await catalog.close();
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

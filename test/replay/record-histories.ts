/**
 * Records workflow histories for the replay test: run with `node bin/run-ts.js test/replay/record-histories.ts`
 * after a deliberate, versioned change to workflow code (never to make a failing replay pass).
 * It starts its own dev server and worker, runs a few representative executions and writes
 * their histories to test/replay/histories/*.json.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startDevServer } from '../../cli/dev-server';
import { findOrBuildTemporalCli } from '../../cli/temporal-binary';
import { StratumClient } from '../../cli/stratum-client';
import { openCatalog } from '../../sdk/catalog';
import { createWorker } from '../../worker/create-worker';
import { replayDefinitions } from './replay-defs';

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
    const json = execFileSync(cli, ['workflow', 'show', '--workflow-id', workflowId, '--address', server.address, '--output', 'json'], { encoding: 'utf8' });
    writeFileSync(path.join(__dirname, 'histories', `${name}.json`), json);
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

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, type NativeConnection } from '@temporalio/worker';
import { connectClient } from '../../client/connection';
import { connectNative } from '../../client/connect-native';
import { StratumClient } from '../../client/stratum-client';
import { openCatalog, type Catalog } from '../../sdk/catalog';
import type { Definitions } from '../../sdk/definitions/definitions';
import { createWorker, type StratumWorker } from '../../worker/create-worker';
import { testTemporalTarget, testWorkflowBundlePath, uniqueTaskQueue } from './test-env';

/** A real worker on the shared dev server, with its own task queue and a fresh SQLite catalog. */
export interface TestStratum {
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  stratum: StratumClient;
  catalog: Catalog;
  taskQueue: string;
  worker: StratumWorker;
  tmpDir: string;
  /** Stops the worker and closes every connection. */
  stop(): Promise<void>;
}

let runtimeInstalled = false;

/** Temporal's runtime logs every failed activity; tests fail on purpose, so keep it to errors unless STRATUM_TEST_VERBOSE is set. */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger(process.env.STRATUM_TEST_VERBOSE ? 'DEBUG' : 'ERROR', (entry) => {
      if (process.env.STRATUM_TEST_VERBOSE || entry.meta?.sdkComponent === 'worker') process.stderr.write(`${entry.level} ${entry.message}\n`);
    }) });
  } catch {
    // Already installed by another helper in this process.
  }
}

/** Starts a Stratum worker for `definitions` against the shared test server. */
export async function startTestStratum(definitions: Definitions, options: { prefix?: string; maxConcurrentSteps?: number } = {}): Promise<TestStratum> {
  installQuietRuntime();
  const tmpDir = mkdtempSync(path.join(tmpdir(), 'stratum-test-'));
  const catalog = await openCatalog(path.join(tmpDir, 'catalog.db'));
  const taskQueue = uniqueTaskQueue(options.prefix ?? 'stratum');
  const target = testTemporalTarget();
  const { client, connection } = await connectClient(target);
  const nativeConnection = await connectNative(target);
  const worker = await createWorker(definitions, {
    connection: nativeConnection,
    taskQueue,
    catalog,
    workflowBundle: { codePath: testWorkflowBundlePath() },
    shutdownGraceTime: '2s',
    maxConcurrentSteps: options.maxConcurrentSteps,
  });
  const running = worker.run();
  const stratum = new StratumClient(client, definitions, { taskQueue, catalog });
  return {
    client,
    connection,
    nativeConnection,
    stratum,
    catalog,
    taskQueue,
    worker,
    tmpDir,
    async stop() {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      await catalog.close();
    },
  };
}

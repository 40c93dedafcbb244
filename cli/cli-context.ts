import type { Client, Connection } from '@temporalio/client';
import type { Catalog } from '../sdk/catalog';
import type { Definitions } from '../sdk/definitions/definitions';
import { InvalidRunRequestError } from '../sdk/errors';
import { defaultCatalogLocation } from '../sdk/definitions/settings';
import { createWorker, type StratumWorker } from '../worker/create-worker';
import { connectClient, resolveTemporalTarget, type TemporalTarget } from '../client/connection';
import { connectNative } from '../client/connect-native';
import { lazyCatalog } from './lazy-catalog';
import { loadLocation } from './workspace/open-location';
import type { ResolvedLocation } from './workspace/load-workspace';
import { log } from './output';
import { DETACH_POLLER_WAIT_MS, hasPollers, waitForPollers } from './worker-pollers';
import { StratumClient } from '../client/stratum-client';

/** Options every command that talks to Temporal or the catalog accepts. */
export interface CommonOptions {
  defs?: string;
  /** Workspace file (`--workspace`); default STRATUM_WORKSPACE or one in the working directory. */
  workspace?: string;
  /** Location of the workspace (`--location`); needed when it has several. */
  location?: string;
  catalog?: string;
  taskQueue?: string;
}

/** What a command works with; `close()` releases everything it opened. */
export interface CliContext {
  definitions: Definitions;
  /** The workspace location the command works with (`default` without a workspace file). */
  location: ResolvedLocation;
  catalog: Catalog;
  target: TemporalTarget;
  uiUrl: string | null;
  connection: Connection;
  client: Client;
  stratum: StratumClient;
  taskQueue: string;
  /**
   * The client to start runs with. When no worker polls the task queue, runs a worker in this
   * process for as long as the command runs (so `stratum materialize` works without
   * `stratum worker`), on a task queue of its own: it never takes steps of other runs, and
   * leaves no stale pollers behind on the shared queue.
   */
  ensureWorker(options?: { detach?: boolean }): Promise<StratumClient>;
  close(): Promise<void>;
}

/** Loads definitions, opens the catalog and connects to Temporal (starting the local dev server when nothing is configured). */
export async function openCliContext(options: CommonOptions, needs: { temporal: boolean } = { temporal: true }): Promise<CliContext> {
  const { definitions, location } = loadLocation(options);
  // Opened on first use: a refused request leaves no new catalog file behind.
  const catalog = lazyCatalog(options.catalog ?? location.catalog ?? defaultCatalogLocation());
  const taskQueue = options.taskQueue ?? location.taskQueue;
  if (!needs.temporal) {
    return { definitions, location, catalog, taskQueue, close: () => catalog.close() } as CliContext;
  }
  let worker: { stratum: StratumWorker; running: Promise<void> } | null = null;
  try {
    const { target, uiUrl } = await resolveTemporalTarget({ startLocalIfNeeded: true, log });
    const { connection, client } = await connectClient(target);
    const stratum = new StratumClient(client, definitions, { taskQueue, catalog });
    return {
      definitions,
      location,
      catalog,
      target,
      uiUrl,
      connection,
      client,
      stratum,
      taskQueue,
      async ensureWorker(options = {}) {
        if (worker) return new StratumClient(client, definitions, { taskQueue: worker.stratum.taskQueue, catalog });
        if (await hasPollers(client, target.namespace, taskQueue)) return stratum;
        if (options.detach) {
          if (await waitForPollers(client, target.namespace, taskQueue, { log })) return stratum;
          throw new InvalidRunRequestError(
            `No worker polls task queue "${taskQueue}", so a detached run would wait forever (waited ${DETACH_POLLER_WAIT_MS / 1000} s for one to connect). Start one first (\`stratum worker\` or \`stratum dev\`), or drop --detach to run with a worker in this process.`,
          );
        }
        const localQueue = `${taskQueue}-cli-${process.pid}-${Date.now().toString(36)}`;
        log(`No worker polls task queue "${taskQueue}"; running one in this process (task queue ${localQueue}).`);
        const native = await connectNative(target);
        const created = await createWorker(definitions, { connection: native, namespace: target.namespace, taskQueue: localQueue, catalog, shutdownGraceTime: '5s' });
        worker = { stratum: created, running: created.run().finally(() => native.close()) };
        return new StratumClient(client, definitions, { taskQueue: localQueue, catalog });
      },
      async close() {
        if (worker) {
          worker.stratum.shutdown();
          await worker.running.catch(() => undefined);
        }
        await connection.close();
        await catalog.close();
      },
    };
  } catch (error) {
    await catalog.close();
    throw error;
  }
}

import path from 'node:path';
import type { Command } from 'commander';
import { connectClient, resolveTemporalTarget } from '../../client/connection';
import { withJsonOption } from '../common-options';
import { log, out, printJson, printTable } from '../output';
import { hasPollers } from '../worker-pollers';
import { resolveWorkspace } from '../workspace/load-workspace';
import { checkWorkspaceAssetKeys, loadAllLocations } from '../workspace/open-location';

/** One row of `stratum locations list`. */
export interface LocationRow {
  name: string;
  module: string;
  taskQueue: string;
  assets: number | null;
  /** `running` when a worker polls the location's task queue, `no worker` otherwise, `unknown` when Temporal is unreachable. */
  worker: 'running' | 'no worker' | 'unknown';
  /** Why the module failed to load, or null. */
  loadError: string | null;
}

/** `stratum locations list`: the workspace's code locations, their modules, task queues and workers. */
export function configureLocationsCommand(program: Command): void {
  const locations = program.command('locations').description('Code locations of the workspace (stratum.workspace.ts or .json)');
  const list = locations
    .command('list')
    .description('List each location: module, task queue, worker status, and the error of a module that fails to load')
    .option('--workspace <path>', 'workspace file (default STRATUM_WORKSPACE, else stratum.workspace.ts or .json in the working directory)')
    .option('--defs <path>', 'a single definitions module instead of a workspace (one location, "default")')
    .addHelpText('after', '\nExample:\n  $ stratum locations list --workspace examples/workspace/stratum.workspace.json');
  withJsonOption(list).action(async (options: { workspace?: string; defs?: string; json?: boolean }) => {
    const workspace = resolveWorkspace(options);
    const loaded = loadAllLocations(workspace);
    let conflict: string | null = null;
    try {
      checkWorkspaceAssetKeys(loaded);
    } catch (error) {
      conflict = (error as Error).message;
    }
    const workers = await workerStatuses(workspace.locations.map((l) => l.taskQueue));
    const rows: LocationRow[] = loaded.map((l) => ({
      name: l.location.name,
      module: shownPath(l.location.defs),
      taskQueue: l.location.taskQueue,
      assets: l.definitions ? [...l.definitions.assetNodes.values()].filter((n) => !n.external).length : null,
      worker: workers.get(l.location.taskQueue) ?? 'unknown',
      loadError: l.error ? l.error.message : null,
    }));
    if (options.json) return printJson({ workspace: workspace.file, locations: rows, conflict });
    out(workspace.file ? `Workspace ${shownPath(workspace.file)}` : 'No workspace file: one implicit location.');
    printTable(['LOCATION', 'MODULE', 'TASK QUEUE', 'ASSETS', 'WORKER', 'LOAD ERROR'], rows.map((r) => [r.name, r.module, r.taskQueue, r.assets, r.worker, r.loadError]));
    if (conflict) log(conflict);
  });
}

/** Whether a worker polls each task queue; `unknown` for all when no Temporal server is reachable (never starts one). */
async function workerStatuses(taskQueues: readonly string[]): Promise<Map<string, LocationRow['worker']>> {
  const result = new Map<string, LocationRow['worker']>();
  try {
    const { target } = await resolveTemporalTarget({ startLocalIfNeeded: false });
    const { client, connection } = await connectClient(target);
    try {
      for (const queue of taskQueues) result.set(queue, (await hasPollers(client, target.namespace, queue)) ? 'running' : 'no worker');
    } finally {
      await connection.close();
    }
  } catch {
    // No server: every worker status stays unknown.
  }
  return result;
}

/** A path relative to the working directory when it is inside it, else absolute. */
function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

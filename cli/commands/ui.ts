import { type Command } from 'commander';
import { withCommonOptions } from '../common-options';
import { openCliContext, type CommonOptions } from '../cli-context';
import { log } from '../output';
import { startUiServer } from '../ui/ui-server';
import { startDevUi } from '../ui/dev-ui';
import { resolveWorkspace } from '../workspace/load-workspace';

/** Options of `stratum ui` (and of the UI `stratum dev` starts). */
export interface UiCommandOptions {
  host: string;
  uiPort: number;
  allowActions?: boolean;
}

/** Parses a port option: a whole number from 0 (a free port) to 65535. */
export function uiPort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`the port must be a whole number from 0 to 65535, got "${value}"`);
  return n;
}

/** `stratum ui`: the web UI (asset graph, asset pages, runs, backfills, schedules, sensors) against any cluster and catalog the CLI reaches. */
export function configureUiCommand(program: Command): void {
  const command = program
    .command('ui')
    .option('--host <host>', 'interface to listen on (default 127.0.0.1: this machine only)', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', uiPort, 3000)
    .option('--allow-actions', 'enable actions from the page: pause, resume and cancel backfills, cancel runs, re-execute a run from its failure')
    .addHelpText('after', '\nExample:\n  $ stratum ui --defs examples/etl/defs.ts\n  Stratum UI: http://127.0.0.1:3000');
  withCommonOptions(command).action(async (options: CommonOptions & { host: string; port: number; allowActions?: boolean }) => {
    // A workspace of several locations without --location: every location in one UI (their workers run the actions).
    if (options.location === undefined && !options.defs && resolveWorkspace(options).locations.length > 1) {
      const ui = await startDevUi({ ...options, host: options.host, port: options.port, allowActions: options.allowActions === true });
      if (!ui) return;
      log('Ctrl-C stops it.');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await ui.close();
      return;
    }
    const ctx = await openCliContext(options);
    const startedAt = Date.now();
    const temporal = { client: ctx.client, stratum: ctx.stratum, namespace: ctx.target.namespace, uiUrl: ctx.uiUrl };
    const ui = await startUiServer({
      locations: () => [{ name: ctx.location.name, module: ctx.location.defs, taskQueue: ctx.taskQueue, definitions: ctx.definitions, loadError: null, loadedAt: startedAt }],
      catalog: ctx.catalog,
      temporal: async () => temporal,
      allowActions: options.allowActions === true,
      // Re-executions need a worker: the task queue's, else one in this process.
      actionClient: () => ctx.ensureWorker(),
      host: options.host,
      port: options.port,
      log,
    });
    log(`Stratum UI: ${ui.url}${options.allowActions ? ' (actions enabled)' : ''}`);
    log('Ctrl-C stops it.');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await ui.close();
    await ctx.close();
  });
}

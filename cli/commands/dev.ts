import { type Command } from 'commander';
import { withCommonOptions } from '../common-options';
import { runDevWorkerProcess } from '../dev/reload-child';
import { DEV_WORKER_ENV } from '../dev/reload-messages';
import { runDev } from '../dev/reload-supervisor';
import { startDevUi } from '../ui/dev-ui';

/** Running steps get this long to finish when `stratum dev` reloads or stops its worker. */
const GRACE = '10s';
const GRACE_MS = 10_000;

/** Parses `--port`: a whole number from 0 (a free port) to 65535. */
function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be a whole number from 0 to 65535, got "${value}"`);
  return n;
}

/** `stratum dev`: local dev server, web UI and a worker in one command, like `dagster dev`. */
export function configureDevCommand(program: Command): void {
  const command = program
    .command('dev')
    .option('--keep-server', 'leave the dev server running after Ctrl-C')
    .option('--port <port>', 'gRPC port of the dev server when this command starts one (default 7233; 0 picks a free one)', port)
    .option('--ui-port <port>', "port of Stratum's web UI (default 3000; 0 picks a free one)", port, 3000)
    .option('--ui-host <host>', "interface Stratum's web UI listens on (default 127.0.0.1: this machine only)", '127.0.0.1')
    .option('--no-ui', "do not start Stratum's web UI")
    .option('--allow-actions', 'enable pause, resume and cancel of backfills and runs from the web UI')
    .addHelpText(
      'after',
      '\nThe worker reloads when the definitions module or a file it imports (outside node_modules) changes;\n' +
        'a load error is printed and the previous worker keeps running. Ctrl-C stops the worker (running\n' +
        `steps get ${GRACE}) and the dev server this command started.\n` +
        '\nWith a workspace file (stratum.workspace.ts or .json, or --workspace), one worker process per location\n' +
        '(each on its own task queue, reloading on its own files); --location runs one of them only.\n' +
        '\nExample:\n  $ stratum dev --defs examples/etl/defs.ts\n  $ stratum dev --workspace examples/workspace/stratum.workspace.json\n  # then, in another terminal: stratum materialize "*" --defs examples/etl/defs.ts',
    );
  withCommonOptions(command).action(async (options) => {
    if (process.env[DEV_WORKER_ENV] === '1') {
      await runDevWorkerProcess({ defs: options.defs, workspace: options.workspace, location: options.location, catalog: options.catalog, taskQueue: options.taskQueue, grace: GRACE, deploy: true });
      return;
    }
    // Stratum's web UI, served by this (supervisor) process for as long as `stratum dev` runs.
    const ui = options.ui === false ? null : await startDevUi({ defs: options.defs, workspace: options.workspace, location: options.location, catalog: options.catalog, taskQueue: options.taskQueue, host: options.uiHost, port: options.uiPort, allowActions: options.allowActions === true });
    try {
      // The UI shows each location's definitions as its worker last loaded them.
      await runDev({ ...options, grace: GRACE, graceMs: GRACE_MS, onLocationReloaded: (name, files) => ui?.reload(name, files), onLocationLoadError: (name, message) => ui?.failed(name, message) });
    } finally {
      await ui?.close();
    }
  });
}

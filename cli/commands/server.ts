import type { Command } from 'commander';
import { findRunningDevServer, startDevServer, stopDevServer } from '../dev/dev-server';
import { log, out, printJson } from '../output';

/** `stratum server start|stop|status`: the local Temporal dev server Stratum manages. */
export function configureServerCommand(program: Command): void {
  const server = program.command('server');
  server
    .command('start')
    .description('Start the local dev server in the background (reuses a running one)')
    .option('--port <port>', 'front-end port', '7233')
    .addHelpText('after', '\nExample:\n  $ stratum server start')
    .action(async (options) => {
      const running = await findRunningDevServer();
      if (running) {
        log(`Already running at ${running.address} (web UI ${running.uiUrl ?? 'off'}).`);
        return;
      }
      const started = await startDevServer({ port: Number(options.port), detached: true, log });
      log(`Temporal dev server at ${started.address}; web UI ${started.uiUrl ?? 'off'}.`);
    });
  server
    .command('stop')
    .description('Stop the local dev server started by Stratum')
    .action(async () => {
      const stopped = await stopDevServer();
      log(stopped ? 'Stopped the local Temporal dev server.' : 'No local Temporal dev server is running.');
    });
  server
    .command('status')
    .description('Say whether the local dev server runs, and where')
    .option('--json', 'print data as JSON on stdout')
    .action(async (options) => {
      const running = await findRunningDevServer();
      if (options.json) return printJson(running);
      out(running ? `running at ${running.address}, web UI ${running.uiUrl ?? 'off'}, pid ${running.pid}` : 'not running');
    });
}

import type { Command } from 'commander';
import { withCommonOptions } from '../common-options';
import { stopDevServer } from '../dev/dev-server';
import { log } from '../output';
import { runWorkerUntilSignal } from './worker';

/** `stratum dev`: local dev server, web UI and a worker in one command, like `dagster dev`. */
export function configureDevCommand(program: Command): void {
  const command = program
    .command('dev')
    
    .option('--keep-server', 'leave the dev server running after Ctrl-C')
    .addHelpText('after', '\nExample:\n  $ stratum dev --defs examples/etl/defs.ts\n  # then, in another terminal: stratum materialize "*" --defs examples/etl/defs.ts');
  withCommonOptions(command).action(async (options) => {
    const { startedServer } = await runWorkerUntilSignal({ ...options, grace: '10s', startServer: true, deploy: true });
    if (startedServer && !options.keepServer) {
      await stopDevServer();
      log('Stopped the local Temporal dev server.');
    }
  });
}

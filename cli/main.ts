import { DefaultLogger, Runtime } from '@temporalio/worker';
import { Command, CommanderError } from 'commander';
import { StratumError } from '../sdk/errors/errors';
import { configureAssetsCommand } from './commands/assets';
import { configureBackfillCommand } from './commands/backfill';
import { configureChecksCommand } from './commands/checks';
import { configureCatalogCommand } from './commands/catalog';
import { configureDeployCommand } from './commands/deploy';
import { configureDevCommand } from './commands/dev';
import { configureJobCommand } from './commands/job';
import { configureMaterializeCommand } from './commands/materialize';
import { configureObserveCommand } from './commands/observe';
import { configurePartitionsCommand } from './commands/partitions';
import { configureRunsCommand } from './commands/runs';
import { configureScheduleCommand } from './commands/schedule';
import { configureServerCommand } from './commands/server';
import { configureSensorCommand } from './commands/sensor';
import { configureWorkerCommand } from './commands/worker';
import { log } from './output';

/**
 * Temporal's runtime logs through this: one short line per warning or error on stderr
 * (`STRATUM_LOG_LEVEL=INFO` or `DEBUG` for more), instead of multi-line objects.
 */
function installCliRuntime(): void {
  const level = (process.env.STRATUM_LOG_LEVEL ?? 'WARN').toUpperCase() as 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      const meta = entry.meta as Record<string, unknown> | undefined;
      const where = meta?.activityType ? ` [${String(meta.activityType)}${meta.attempt ? ` attempt ${String(meta.attempt)}` : ''}]` : '';
      const error = meta?.error instanceof Error ? `: ${meta.error.message}` : '';
      log(`${entry.level.toLowerCase()}${where} ${entry.message}${error}`);
    }),
  });
}

/** The `stratum` program with every command. */
export function buildProgram(): Command {
  const program = new Command('stratum')
    .description('Asset-centric data orchestration on Temporal')
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .addHelpText('after', '\nQuick start:\n  $ stratum materialize "*" --defs examples/etl/defs.ts\n  $ stratum assets list --defs examples/etl/defs.ts');
  configureDevCommand(program);
  configureWorkerCommand(program);
  configureMaterializeCommand(program);
  configureObserveCommand(program);
  configureJobCommand(program);
  configureRunsCommand(program);
  configureAssetsCommand(program);
  configureChecksCommand(program);
  configureBackfillCommand(program);
  configurePartitionsCommand(program);
  configureScheduleCommand(program);
  configureDeployCommand(program);
  configureCatalogCommand(program);
  configureSensorCommand(program);
  configureServerCommand(program);
  return program;
}

/** Runs the CLI; errors print their message (no stack) and set a non-zero exit code. */
export async function main(argv: string[]): Promise<void> {
  installCliRuntime();
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    const code = (error as { code?: unknown }).code;
    const known = error instanceof StratumError || (typeof code === 'string' && code.startsWith('STRATUM_'));
    log(known ? `error: ${(error as Error).message}` : `error: ${(error as Error)?.stack ?? String(error)}`);
    process.exitCode = 2;
  }
}

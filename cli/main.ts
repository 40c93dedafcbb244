import { Command, CommanderError } from 'commander';
import { StratumError } from '../sdk/errors';
import { configureAssetsCommand } from './commands/assets';
import { configureDevCommand } from './commands/dev';
import { configureJobCommand } from './commands/job';
import { configureMaterializeCommand } from './commands/materialize';
import { configureRunsCommand } from './commands/runs';
import { configureServerCommand } from './commands/server';
import { configureWorkerCommand } from './commands/worker';
import { log } from './output';

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
  configureJobCommand(program);
  configureRunsCommand(program);
  configureAssetsCommand(program);
  configureServerCommand(program);
  return program;
}

/** Runs the CLI; errors print their message (no stack) and set a non-zero exit code. */
export async function main(argv: string[]): Promise<void> {
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

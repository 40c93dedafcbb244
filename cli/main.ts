import { Command, CommanderError } from 'commander';
import { StratumError } from '../sdk/errors';
import { COMMANDS, type CommandEntry } from './command-index';
import { log } from './output';

/**
 * Temporal's runtime logs through this: one short line per warning or error on stderr
 * (`STRATUM_LOG_LEVEL=INFO` or `DEBUG` for more), instead of multi-line objects. Installed only
 * when a command runs (loading the native worker module costs a few hundred milliseconds).
 */
function installCliRuntime(command: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DefaultLogger, Runtime } = require('@temporalio/worker') as typeof import('@temporalio/worker');
  const level = (process.env.STRATUM_LOG_LEVEL ?? 'WARN').toUpperCase() as 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  // A command that follows its run prints each step failure once, with its cause: the in-process
  // worker's logs of the same failure (each attempt, the activity, the workflow) only repeat it.
  const reportsFailures = !WORKER_COMMANDS.has(command) && level !== 'DEBUG' && level !== 'TRACE';
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      const meta = entry.meta as Record<string, unknown> | undefined;
      if (reportsFailures && isRunFailureLog(entry.message, meta)) return;
      const where = meta?.activityType ? ` [${String(meta.activityType)}${meta.attempt ? ` attempt ${String(meta.attempt)}` : ''}]` : '';
      const error = meta?.error instanceof Error ? `: ${meta.error.message}` : '';
      log(`${entry.level.toLowerCase()}${where} ${entry.message}${error}`);
    }),
  });
}

/** Commands whose worker's logs are their output: step failures are reported there. */
const WORKER_COMMANDS = new Set(['worker', 'dev']);

/** A log line of the SDK or of a step about a failed step attempt, activity or workflow. */
function isRunFailureLog(message: string, meta: Record<string, unknown> | undefined): boolean {
  if (/^(Activity|Workflow) failed\b/.test(message)) return true;
  // The step activity logs the error that fails an attempt: `Step "sales/orders" failed: …`.
  return meta?.activityType !== undefined && /^Step ".*" (\(partition .*\) )?(failed|returned)/s.test(message);
}

/** The command `argv` runs (`stratum materialize …`, `stratum help materialize`), if any. */
function invokedCommand(argv: readonly string[]): CommandEntry | undefined {
  const [first, second] = argv.slice(2);
  const name = first === 'help' ? second : first;
  return COMMANDS.find((c) => c.name === name);
}

/**
 * The `stratum` program. `load` names the commands whose modules are loaded and configured
 * (default: all); the others are listed by name and summary only, which is all `--help` needs.
 */
export function buildProgram(load: (entry: CommandEntry) => boolean = () => true): Command {
  const program = new Command('stratum')
    .description('Asset-centric data orchestration on Temporal')
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .addHelpText('after', '\nQuick start:\n  $ stratum materialize "*" --defs examples/etl/defs.ts\n  $ stratum assets list --defs examples/etl/defs.ts');
  for (const entry of COMMANDS) {
    if (load(entry)) {
      entry.load()(program);
      program.commands.find((c) => c.name() === entry.name)?.description(entry.summary);
    } else {
      program.command(entry.name).description(entry.summary).allowUnknownOption().allowExcessArguments();
    }
  }
  return program;
}

/** Runs the CLI; errors print their message (no stack) and set a non-zero exit code. */
export async function main(argv: string[]): Promise<void> {
  const invoked = invokedCommand(argv);
  const helpOnly = argv.slice(2).some((a) => a === '--help' || a === '-h') || argv[2] === 'help';
  if (invoked && !helpOnly) installCliRuntime(invoked.name);
  try {
    const program = buildProgram((entry) => entry === invoked).exitOverride();
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

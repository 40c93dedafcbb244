import { Option, type Command } from 'commander';

/** Adds `--defs`, `--workspace`, `--location`, `--catalog` and `--task-queue` to a command. */
export function withCommonOptions(command: Command): Command {
  return withLocationOptions(command)
    .option('--catalog <location>', 'catalog: SQLite file path or postgres:// URL (default STRATUM_CATALOG_URL, STRATUM_CATALOG or .stratum/catalog.db)')
    .addOption(new Option('--task-queue <name>', 'Temporal task queue (default: the location\'s; STRATUM_TASK_QUEUE or "stratum" without a workspace)'));
}

/** Adds `--defs`, `--workspace` and `--location`: which definitions module a command loads. */
export function withLocationOptions(command: Command): Command {
  return command
    .option('--defs <path>', 'definitions module (default export a Definitions); given, no workspace file is read (default STRATUM_DEFS, else the workspace, else ./defs.ts)')
    .option('--workspace <path>', 'workspace file listing code locations (default STRATUM_WORKSPACE, else stratum.workspace.ts or .json in the working directory)')
    .option('--location <name>', 'code location of the workspace to work with (needed when it has several)');
}

/** Adds `--json` to a command that prints data. */
export function withJsonOption(command: Command): Command {
  return command.option('--json', 'print data as JSON on stdout');
}

/** Adds the options of a command that starts one run: partition, config, tags, concurrency, detach. */
export function withRunOptions(command: Command, configHelp: string): Command {
  return command
    .option('-p, --partition <key>', 'partition key to materialize')
    .option('-c, --config <json|@file>', configHelp)
    .option('--tag <key=value...>', 'tags recorded with the run')
    .option('--max-concurrent <n>', 'most steps running at once', positiveInt('--max-concurrent'))
    .option('--detach', 'start the run and return at once (needs a running worker)');
}

/** `--execution-mode activity|local`: how the run's steps execute (see `StepExecutionMode`); the planner checks the value. */
export function withExecutionModeOption(command: Command): Command {
  return command.option('--execution-mode <mode>', "how steps run unless a step sets its own: 'activity' (default) or 'local' (Temporal local activities, for short steps)");
}

/** Parses a positive whole number option. */
export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number >= 1, got "${value}"`);
    return n;
  };
}

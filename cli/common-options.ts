import { Option, type Command } from 'commander';

/** Adds `--defs`, `--catalog` and `--task-queue` to a command. */
export function withCommonOptions(command: Command): Command {
  return command
    .option('--defs <path>', 'definitions module (default export a Definitions)', process.env.STRATUM_DEFS ?? './defs.ts')
    .option('--catalog <location>', 'catalog: SQLite file path or postgres:// URL (default STRATUM_CATALOG or .stratum/catalog.db)')
    .addOption(new Option('--task-queue <name>', 'Temporal task queue (default STRATUM_TASK_QUEUE or "stratum")'));
}

/** Adds `--json` to a command that prints data. */
export function withJsonOption(command: Command): Command {
  return command.option('--json', 'print data as JSON on stdout');
}

/** Parses a positive whole number option. */
export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number >= 1, got "${value}"`);
    return n;
  };
}

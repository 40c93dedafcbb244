import type { Command } from 'commander';

/** One top-level command of the `stratum` program, registered without loading its module. */
export interface CommandEntry {
  name: string;
  /** The one-line description `stratum --help` lists. */
  summary: string;
  /** Loads the command's module (and with it the command's dependencies) and returns its configure function. */
  load: () => (program: Command) => void;
}

/**
 * Every top-level command. `stratum <command>` loads only that command's module, so the CLI
 * starts without loading Temporal, the catalog drivers or TypeScript for the other commands.
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'dev',
    summary: 'Start the local Temporal dev server (web UI on) and a worker for the definitions, and deploy their schedules and sensors; Ctrl-C stops both',
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: () => (require('./commands/dev') as typeof import('./commands/dev')).configureDevCommand,
  },
  {
    name: 'ui',
    summary: 'Serve the web UI: asset graph, asset pages with partition health, runs, backfills, schedules and sensors (http://127.0.0.1:3000)',
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: () => (require('./commands/ui') as typeof import('./commands/ui')).configureUiCommand,
  },
  {
    name: 'worker',
    summary: 'Run a Stratum worker: executes runs, backfills and sensors for the definitions',
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: () => (require('./commands/worker') as typeof import('./commands/worker')).configureWorkerCommand,
  },
  {
    name: 'materialize',
    summary: 'Materialize a selection of assets as one run (a Temporal workflow)',
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: () => (require('./commands/materialize') as typeof import('./commands/materialize')).configureMaterializeCommand,
  },
  {
    name: 'observe',
    summary: 'Observe the data versions of observable source assets (one run); downstream assets that read older versions become stale',
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: () => (require('./commands/observe') as typeof import('./commands/observe')).configureObserveCommand,
  },
  {
    name: 'job',
    summary: 'Run and list jobs',
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: () => (require('./commands/job') as typeof import('./commands/job')).configureJobCommand,
  },
  {
    name: 'runs',
    summary: 'Inspect, re-execute and cancel runs',
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: () => (require('./commands/runs') as typeof import('./commands/runs')).configureRunsCommand,
  },
  {
    name: 'assets',
    summary: 'Browse assets and their materializations',
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: () => (require('./commands/assets') as typeof import('./commands/assets')).configureAssetsCommand,
  },
  {
    name: 'checks',
    summary: 'Asset checks: run them without materializing, list their latest results',
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: () => (require('./commands/checks') as typeof import('./commands/checks')).configureChecksCommand,
  },
  {
    name: 'backfill',
    summary: 'Backfill partitions: one child run per partition, as a Temporal workflow',
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: () => (require('./commands/backfill') as typeof import('./commands/backfill')).configureBackfillCommand,
  },
  {
    name: 'partitions',
    summary: "Show an asset's partitions with their status; add and remove dynamic partition keys",
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: () => (require('./commands/partitions') as typeof import('./commands/partitions')).configurePartitionsCommand,
  },
  {
    name: 'schedule',
    summary: 'Schedules: Temporal Schedules kept in line with the code by `stratum deploy`',
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: () => (require('./commands/schedule') as typeof import('./commands/schedule')).configureScheduleCommand,
  },
  {
    name: 'locations',
    summary: 'Code locations of the workspace: module, task queue, worker status, load errors',
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: () => (require('./commands/locations') as typeof import('./commands/locations')).configureLocationsCommand,
  },
  {
    name: 'deploy',
    summary: 'Sync schedules and sensors with the definitions: create new ones, update changed ones, delete ones the code no longer has',
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: () => (require('./commands/deploy') as typeof import('./commands/deploy')).configureDeployCommand,
  },
  {
    name: 'setup',
    summary: "Prepare a Temporal cluster's namespace for Stratum: create it if missing, register Stratum's search attributes (idempotent)",
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: () => (require('./commands/setup') as typeof import('./commands/setup')).configureSetupCommand,
  },
  {
    name: 'catalog',
    summary: 'Rebuild the catalog from Temporal history, or prune old history',
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: () => (require('./commands/catalog') as typeof import('./commands/catalog')).configureCatalogCommand,
  },
  {
    name: 'sensor',
    summary: 'Sensors: long-running workflows that start runs when triggered or on a timer',
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: () => (require('./commands/sensor') as typeof import('./commands/sensor')).configureSensorCommand,
  },
  {
    name: 'server',
    summary: 'Manage the local Temporal dev server (persistent SQLite file in .stratum/data)',
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: () => (require('./commands/server') as typeof import('./commands/server')).configureServerCommand,
  },
];

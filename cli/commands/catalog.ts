import * as path from 'node:path';
import type { Command } from 'commander';
import { openCatalog, parseCatalogLocation, type Catalog } from '../../sdk/catalog';
import { diffSnapshots, snapshotCatalog } from '../../sdk/catalog/catalog-snapshot';
import { durationToMs, type Duration } from '../../sdk/definitions/duration';
import { InvalidRequestError } from '../../sdk/errors';
import { dynamicPartitionNames } from '../../sdk/definitions/partition-context';
import { defaultCatalogLocation } from '../../sdk/definitions/settings';
import { rebuildCatalog } from '../../client/catalog-rebuild';
import { openCliContext } from '../cli-context';
import { withCommonOptions, withJsonOption } from '../common-options';
import { log, out, printJson } from '../output';

/** A `stratum catalog` request that cannot be served (a non-empty target, a bad duration…). */
export class CatalogCommandError extends InvalidRequestError {
  readonly code = 'STRATUM_CATALOG_COMMAND';
}

/** `stratum catalog rebuild|prune`: re-create the catalog from workflow history; delete old history. */
export function configureCatalogCommand(program: Command): void {
  const catalog = program.command('catalog');

  const rebuild = catalog
    .command('rebuild')
    .description('Re-create the catalog from Temporal workflow histories into a new catalog, and compare it with the current one')
    .option('--query <filter>', "only executions matching this Temporal list filter, e.g. \"TaskQueue = 'etl'\" (default: every Stratum execution of the namespace)")
    .option('--into <location>', 'where to write the rebuilt catalog: a new SQLite file or an empty PostgreSQL database (default: a new file next to a SQLite catalog)')
    .addHelpText(
      'after',
      '\nThe current catalog is left untouched. When the comparison shows no difference, point STRATUM_CATALOG (or --catalog)\nat the rebuilt one to use it. Log lines and sensor state are not in history and are not rebuilt.\n\nExample:\n  $ stratum catalog rebuild --defs examples/etl/defs.ts',
    );
  withJsonOption(withCommonOptions(rebuild)).action(async (options) => {
    const ctx = await openCliContext(options);
    let into: Catalog | null = null;
    try {
      const location = options.into ?? defaultRebuildLocation(ctx.catalog.location);
      into = await openCatalog(location);
      if ((await into.listRuns({ limit: 1 })).length > 0 || (await into.listAssets()).length > 0) {
        throw new CatalogCommandError(`The catalog at ${into.location} is not empty. Rebuild into a new SQLite file or an empty PostgreSQL database (--into).`);
      }
      // Dynamic partition keys are not in history; the bookkeeping needs them to name the partitions of range runs.
      const names = new Set([...ctx.definitions.assetNodes.values()].flatMap((n) => dynamicPartitionNames(n.partitions)));
      for (const name of names) await into.addDynamicPartitions(name, await ctx.catalog.dynamicPartitionKeys(name));

      log(`Reading Stratum executions from Temporal (namespace ${ctx.target.namespace})…`);
      const report = await rebuildCatalog({ client: ctx.client, definitions: ctx.definitions, into, filter: options.query, log });
      const differences = diffSnapshots(await snapshotCatalog(ctx.catalog), await snapshotCatalog(into));
      if (options.json) {
        printJson({ into: into.location, ...report, identical: differences.length === 0, differences });
      } else {
        out(`Rebuilt ${into.location} from ${report.runs} runs (${report.materializations} materializations) and ${report.backfills} backfill executions.`);
        if (report.running > 0) out(`${report.running} runs are still running: recorded as started.`);
        for (const s of report.skipped) out(`skipped ${s.workflowId}: ${s.reason}`);
        if (differences.length === 0) out(`It is identical to the current catalog (${ctx.catalog.location}).`);
        else {
          out(`It differs from the current catalog (${ctx.catalog.location}) in ${differences.length === 20 ? 'at least 20' : differences.length} places:`);
          for (const d of differences) out(`  ${d}`);
          out('Differences are expected for runs whose Temporal history has passed the namespace retention period, or for catalogs written by hand.');
        }
      }
      if (differences.length > 0) process.exitCode = 1;
    } finally {
      await into?.close();
      await ctx.close();
    }
  });

  const prune = catalog
    .command('prune')
    .description('Delete materializations and finished runs older than a duration, keeping the latest materialization of every asset partition')
    .requiredOption('--older-than <duration>', 'age of the history to delete, e.g. 90d, 12h')
    .option('--dry-run', 'count what would be deleted, delete nothing')
    .option('--catalog <location>', 'catalog: SQLite file path or postgres:// URL (default STRATUM_CATALOG_URL, STRATUM_CATALOG or .stratum/catalog.db)')
    .addHelpText('after', '\nExample:\n  $ stratum catalog prune --older-than 90d --dry-run');
  withJsonOption(prune).action(async (options: { olderThan: string; dryRun?: boolean; catalog?: string; json?: boolean }) => {
    const age = parseAge(options.olderThan);
    const opened = await openCatalog(options.catalog ?? defaultCatalogLocation());
    try {
      const cutoff = Date.now() - age;
      const result = await opened.prune({ olderThan: cutoff, dryRun: options.dryRun });
      if (options.json) return printJson({ olderThan: cutoff, dryRun: Boolean(options.dryRun), ...result });
      const verb = options.dryRun ? 'Would delete' : 'Deleted';
      out(`${verb} ${result.materializations} materializations, ${result.observations} observations, ${result.checkResults} check results, ${result.runs} runs (${result.logLines} log lines) and ${result.plans} stored plans older than ${new Date(cutoff).toISOString()}.`);
      out('Kept: the latest materialization and observation of every asset partition, the latest result of every check, and the runs they came from.');
    } finally {
      await opened.close();
    }
  });
}

function parseAge(text: string): number {
  try {
    const ms = durationToMs(text as Duration, '--older-than');
    if (ms <= 0) throw new CatalogCommandError('--older-than must be longer than 0, e.g. 90d.');
    return ms;
  } catch (error) {
    if (error instanceof CatalogCommandError) throw error;
    throw new CatalogCommandError(`--older-than "${text}" is not a duration. Write it like 90d, 36h or 30m.`);
  }
}

/** A new SQLite file next to the current one; PostgreSQL catalogs need `--into`. */
function defaultRebuildLocation(current: string): string {
  const location = parseCatalogLocation(current);
  if (location.dialect !== 'sqlite' || location.path === ':memory:') {
    throw new CatalogCommandError('Give --into for a PostgreSQL catalog: the URL of an empty database to rebuild into (e.g. postgres://…/stratum_rebuilt).');
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const parsed = path.parse(location.path);
  return path.join(parsed.dir, `${parsed.name}.rebuilt-${stamp}${parsed.ext || '.db'}`);
}

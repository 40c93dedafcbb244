import type { Command } from 'commander';
import { configuredTemporalTarget, connectClient, TemporalNotConfiguredError } from '../../client/connection';
import { setupCluster } from '../../client/setup-cluster';
import { log, printJson } from '../output';

/** `stratum setup`: prepare the configured Temporal namespace (namespace, search attributes). */
export function configureSetupCommand(program: Command): void {
  program
    .command('setup')
    .option('--no-create-namespace', 'refuse instead of creating a missing namespace (e.g. on Temporal Cloud)')
    .option('--retention <days>', 'retention of a namespace created here, in days', (v) => Number(v), 3)
    .option('--json', 'print data as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  $ TEMPORAL_ADDRESS=temporal.internal:7233 TEMPORAL_NAMESPACE=etl stratum setup\n  $ stratum setup --no-create-namespace --json')
    .action(async (options: { createNamespace: boolean; retention: number; json?: boolean }) => {
      const target = configuredTemporalTarget();
      if (!target) throw new TemporalNotConfiguredError();
      const { connection } = await connectClient(target);
      try {
        const report = await setupCluster(connection, target.namespace, { createNamespace: options.createNamespace, retentionDays: options.retention });
        if (options.json) return printJson({ address: target.address, ...report });
        log(report.namespaceCreated ? `Created namespace ${report.namespace} on ${target.address}.` : `Namespace ${report.namespace} exists on ${target.address}.`);
        log(
          report.added.length > 0
            ? `Registered search attributes: ${report.added.join(', ')} (${report.required.length - report.added.length} already there).`
            : `All ${report.required.length} search attributes Stratum needs are registered.`,
        );
      } finally {
        await connection.close().catch(() => undefined);
      }
    });
}

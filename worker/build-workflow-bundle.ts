/**
 * Builds the workflow bundle into the file named by the first argument. `workflowBundle()` runs
 * this in a short-lived child process, so webpack's few hundred MB never stay in a worker.
 */
import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: build-workflow-bundle OUT_FILE\n');
  process.exit(2);
}
const quiet = () => undefined;
bundleWorkflowCode({
  workflowsPath: require.resolve('../workflows'),
  logger: { trace: quiet, debug: quiet, info: quiet, log: quiet, warn: (m: string) => process.stderr.write(`${m}\n`), error: (m: string) => process.stderr.write(`${m}\n`) } as any,
}).then(
  ({ code }) => writeFileSync(out, code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);

import { readFileSync } from 'node:fs';
import { workflowBundle } from '../../worker/workflow-bundle';

/**
 * Workflow code runs in Temporal's deterministic sandbox and must never pull in user code, a
 * database driver or Node built-ins. The bundle webpack builds names every module it holds
 * (`/*** / "./path"` headers); only these may appear.
 */
const ALLOWED = [
  /^\.\/(dist\/)?workflows\//,
  /^\.\/(dist\/)?sdk\/protocol\//,
  /\/node_modules\/@temporalio\/(workflow|common)\//,
  // What @temporalio/common itself depends on.
  /\/node_modules\/(long|ms|nexus-rpc)\//,
  // webpack's placeholders for Node built-ins @temporalio/common references but never calls.
  /^\?[0-9a-f]+$/,
];

test('the workflow bundle holds only workflows/, sdk/protocol/ and @temporalio/workflow|common', async () => {
  const { codePath } = await workflowBundle();
  const modules = [...readFileSync(codePath, 'utf8').matchAll(/\/\*{3}\/ "([^"]+)"/g)].map((m) => m[1]!);
  expect(modules.length).toBeGreaterThan(10);
  expect(modules.filter((m) => !ALLOWED.some((pattern) => pattern.test(m)))).toEqual([]);
  expect(modules).toEqual(expect.arrayContaining([expect.stringMatching(/workflows\/materialize/), expect.stringMatching(/sdk\/protocol\/plan/)]));
});

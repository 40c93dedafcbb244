import * as path from 'node:path';
import { startDevServer, type DevServer } from '../../cli/dev/dev-server';
import { findOrBuildTemporalCli } from '../../cli/dev/temporal-binary';
import { workflowBundle } from '../../worker/workflow-bundle';
import { TestEnvVars } from './test-env';

/** What the global setup leaves on `globalThis` for the global teardown (same process). */
export interface StratumTestGlobals {
  server: DevServer | null;
  bundleFile: string | null;
}

/** Key on `globalThis` under which {@link StratumTestGlobals} is stored. */
export const TEST_GLOBALS_KEY = '__stratumTestGlobals';

const repoRoot = path.resolve(__dirname, '..', '..');

function log(line: string): void {
  process.stderr.write(`[stratum test setup] ${line}\n`);
}

/** The workflow bundle, built once per version of the workflow sources (shared with workers: `workflowBundle()`). */
async function bundleWorkflows(): Promise<{ file: string } | { error: string }> {
  const started = Date.now();
  try {
    const { codePath } = await workflowBundle({ log });
    log(`Workflow bundle ready in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${path.relative(repoRoot, codePath)}`);
    return { file: codePath };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`Bundling workflows/index.ts failed; tests that need the bundle will fail:\n${message}`);
    return { error: `bundling workflows/index.ts failed: ${message.split('\n')[0]}` };
  }
}

/**
 * Jest global setup: find (or build) the Temporal CLI, start one shared in-memory dev server
 * on free ports, bundle the workflow code once, and hand both to the test workers through
 * environment variables (workers inherit this process's environment).
 */
export default async function globalSetup(): Promise<void> {
  const globals: StratumTestGlobals = { server: null, bundleFile: null };
  (globalThis as Record<string, unknown>)[TEST_GLOBALS_KEY] = globals;

  const cliPath = await findOrBuildTemporalCli({ log });
  process.env[TestEnvVars.temporalCli] = cliPath;

  const serverPromise = (async (): Promise<void> => {
    if (process.env[TestEnvVars.temporalAddress]) {
      log(`Using the Temporal server at ${process.env[TestEnvVars.temporalAddress]} (${TestEnvVars.temporalAddress} is set).`);
      return;
    }
    const server = await startDevServer({ port: 0, headless: true, dbFile: null, cliPath, log });
    globals.server = server;
    process.env[TestEnvVars.temporalAddress] = server.address;
  })();
  const bundlePromise = bundleWorkflows();

  const [serverResult, bundle] = await Promise.allSettled([serverPromise, bundlePromise]);
  if (bundle.status === 'fulfilled') {
    if ('file' in bundle.value) {
      globals.bundleFile = bundle.value.file;
      process.env[TestEnvVars.workflowBundle] = bundle.value.file;
    } else {
      process.env[TestEnvVars.workflowBundleError] = bundle.value.error;
    }
  }
  if (serverResult.status === 'rejected') {
    throw serverResult.reason;
  }
}

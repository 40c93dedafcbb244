import * as fs from 'node:fs';
import * as path from 'node:path';
import { startDevServer, type DevServer } from '../../cli/dev-server';
import { findOrBuildTemporalCli } from '../../cli/temporal-binary';
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

/** Bundle workflows/index.ts once per jest run; returns the file, or an error message. */
async function bundleWorkflows(): Promise<{ file: string } | { error: string }> {
  const workflowsPath = path.join(repoRoot, 'workflows', 'index.ts');
  if (!fs.existsSync(workflowsPath)) {
    const error = `${path.relative(repoRoot, workflowsPath)} does not exist yet`;
    log(`Skipping the workflow bundle: ${error}.`);
    return { error };
  }
  const started = Date.now();
  try {
    const { bundleWorkflowCode } = await import('@temporalio/worker');
    const quiet = (): void => undefined;
    const { code } = await bundleWorkflowCode({
      workflowsPath,
      logger: {
        log: quiet,
        trace: quiet,
        debug: quiet,
        info: quiet,
        warn: (message: string) => log(`bundler: ${message}`),
        error: (message: string) => log(`bundler: ${message}`),
      },
    });
    const cacheDir = path.join(repoRoot, '.stratum', 'cache');
    fs.mkdirSync(cacheDir, { recursive: true });
    // One file per jest run: concurrent runs (several people, CI shards) must not overwrite each other's bundle.
    const file = path.join(cacheDir, `test-workflow-bundle-${process.pid}.js`);
    fs.writeFileSync(file, code);
    log(`Bundled workflows in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${path.relative(repoRoot, file)}`);
    return { file };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`Bundling workflows/index.ts failed; tests that need the bundle will fail:\n${message}`);
    return { error: `bundling workflows/index.ts failed: ${message.split('\n')[0]}` };
  }
}

/** Remove bundles left behind by runs that died more than a day ago. */
function removeOldBundles(): void {
  const cacheDir = path.join(repoRoot, '.stratum', 'cache');
  let names: string[];
  try {
    names = fs.readdirSync(cacheDir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!/^test-workflow-bundle-\d+\.js$/.test(name)) continue;
    const file = path.join(cacheDir, name);
    try {
      if (Date.now() - fs.statSync(file).mtimeMs > 24 * 3600_000) fs.rmSync(file, { force: true });
    } catch {
      // another run removed it
    }
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
  removeOldBundles();

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
    if (globals.bundleFile) fs.rmSync(globals.bundleFile, { force: true });
    throw serverResult.reason;
  }
}

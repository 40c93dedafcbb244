import * as fs from 'node:fs';
import { TEST_GLOBALS_KEY, type StratumTestGlobals } from './global-setup';

/** Jest global teardown: stop the shared dev server and remove this run's workflow bundle. */
export default async function globalTeardown(): Promise<void> {
  const globals = (globalThis as Record<string, unknown>)[TEST_GLOBALS_KEY] as StratumTestGlobals | undefined;
  if (!globals) return;
  if (globals.bundleFile) fs.rmSync(globals.bundleFile, { force: true });
  if (globals.server) {
    const started = Date.now();
    await globals.server.stop();
    process.stderr.write(`[stratum test teardown] Stopped the shared dev server in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
  }
}

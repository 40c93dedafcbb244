import { TEST_GLOBALS_KEY, type StratumTestGlobals } from './global-setup';

/** Jest global teardown: stop the shared dev server (the cached workflow bundle stays for the next run). */
export default async function globalTeardown(): Promise<void> {
  const globals = (globalThis as Record<string, unknown>)[TEST_GLOBALS_KEY] as StratumTestGlobals | undefined;
  if (!globals) return;
  if (globals.server) {
    const started = Date.now();
    await globals.server.stop();
    process.stderr.write(`[stratum test teardown] Stopped the shared dev server in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
  }
}

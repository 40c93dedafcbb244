import type { AnyAssetDefinition, Definitions } from '../../sdk/definitions/definitions';
import { createStratumTestEnvironment, type MaterializeForTestOptions, type StratumTestEnvironment } from './test-environment';
import type { TestRunResult } from './test-run-result';

/** The environment {@link materializeForTest} starts on first use, one per test file under jest. */
let shared: Promise<StratumTestEnvironment> | null = null;

/**
 * Materializes assets the way production does, from a jest test: the real Stratum `materialize`
 * workflow and step activities, on an in-process Temporal server, with a fresh in-memory
 * catalog and (unless the definitions set a `default` IO manager) a fresh in-memory IO
 * manager. Resolves with the run's {@link TestRunResult}: `success`, `error`, `steps`,
 * `materializations`, `logs` and `valueOf(asset)`.
 *
 * - **A failed run resolves**, with `success: false` and the failing step's `error` (Dagster's
 *   `raise_on_error=False`), so a test can assert on it. It rejects only when the request cannot
 *   be planned (unknown selection, config failing its schema, missing partition key: the errors
 *   `stratum materialize` gives) or Temporal itself fails.
 * - **The server is shared**: the first call starts one Temporal dev server (a few seconds, and
 *   on a machine without the Temporal CLI a one-time Go build of it) and later calls reuse it.
 *   Under jest it is torn down after the test file by an `afterAll` hook this module registers
 *   when imported (as Testing Library's auto-cleanup does); elsewhere call
 *   {@link teardownSharedTestEnvironment}. It is also killed if the process exits first. Use
 *   {@link createStratumTestEnvironment} to control the server's life yourself.
 *
 * Give jest room for the first call: `jest.setTimeout(60_000)` or a per-test timeout.
 *
 * @example
 * ```ts
 * import { materializeForTest } from 'stratum/testing';
 * import defs, { revenue } from '../defs';
 *
 * test('revenue sums the orders', async () => {
 *   const result = await materializeForTest(defs, { selection: '+revenue', resources: { warehouse: fakeWarehouse } });
 *   expect(result.success).toBe(true);
 *   expect(result.valueOf(revenue)).toBe(42); // typed by the asset
 * }, 60_000);
 * ```
 */
export async function materializeForTest(
  definitions: Definitions | readonly AnyAssetDefinition[],
  options: MaterializeForTestOptions = {},
): Promise<TestRunResult> {
  if (shared === null) {
    const starting = createStratumTestEnvironment();
    shared = starting;
    starting.catch(() => {
      if (shared === starting) shared = null; // the next call tries again
    });
  }
  return (await shared).materialize(definitions, options);
}

/**
 * Tears down the environment {@link materializeForTest} started, if any (the next call starts a
 * new one). Jest users need not call it: importing `stratum/testing` registers it as an
 * `afterAll` hook of the test file.
 *
 * @example
 * ```ts
 * after(() => teardownSharedTestEnvironment()); // mocha, node:test
 * ```
 */
export async function teardownSharedTestEnvironment(): Promise<void> {
  const current = shared;
  shared = null;
  if (current === null) return;
  let env: StratumTestEnvironment;
  try {
    env = await current;
  } catch {
    return; // it never started
  }
  await env.teardown();
}

/** Under jest (or vitest with globals), tear the shared environment down after each test file. */
function registerAutoTeardown(): void {
  const afterAll = (globalThis as { afterAll?: (fn: () => Promise<void>, timeoutMs?: number) => void }).afterAll;
  if (typeof afterAll !== 'function') return;
  try {
    afterAll(() => teardownSharedTestEnvironment(), 60_000);
  } catch {
    // Imported inside a test, where hooks cannot be added: teardown happens at process exit.
  }
}

registerAutoTeardown();

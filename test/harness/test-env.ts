import * as fs from 'node:fs';
import { startDevServer, type DevServer, type DevServerOptions } from '../../cli/dev/dev-server';
import type { TemporalTarget } from '../../client/connection';
import { findOrBuildTemporalCli } from '../../cli/dev/temporal-binary';

/**
 * Environment variables the jest global setup (`test/harness/global-setup.ts`) sets for the
 * test workers.
 */
export const TestEnvVars = {
  /** `host:port` of the shared dev server. Set it before running jest to use an existing server instead. */
  temporalAddress: 'STRATUM_TEST_TEMPORAL_ADDRESS',
  /** Absolute path of the Temporal CLI the setup found or built. */
  temporalCli: 'STRATUM_TEST_TEMPORAL_CLI',
  /** Absolute path of the prebuilt workflow bundle (`workflows/index.ts`). */
  workflowBundle: 'STRATUM_TEST_WORKFLOW_BUNDLE',
  /** Why the workflow bundle is missing, when it is. */
  workflowBundleError: 'STRATUM_TEST_WORKFLOW_BUNDLE_ERROR',
} as const;

/** The harness was not set up the way a helper needs. */
export class TestHarnessError extends Error {
  /** Stable error code. */
  readonly code = 'STRATUM_TEST_HARNESS';

  constructor(message: string) {
    super(`[STRATUM_TEST_HARNESS] ${message}`);
    this.name = 'TestHarnessError';
  }
}

/**
 * Address (`host:port`) of the dev server shared by all test files, namespace `default`,
 * with Stratum's search attributes registered.
 */
export function testTemporalAddress(): string {
  const address = process.env[TestEnvVars.temporalAddress];
  if (!address) {
    throw new TestHarnessError(
      `${TestEnvVars.temporalAddress} is not set: run tests through jest (its globalSetup test/harness/global-setup.ts starts the shared dev server).`,
    );
  }
  return address;
}

/** The shared dev server as a {@link TemporalTarget}, for `connectClient` / `connectNative`. */
export function testTemporalTarget(): TemporalTarget {
  return { address: testTemporalAddress(), namespace: 'default', source: 'env' };
}

/**
 * Path of the workflow bundle built once by the global setup; pass it to a Worker as
 * `workflowBundle: { codePath: testWorkflowBundlePath() }`.
 */
export function testWorkflowBundlePath(): string {
  const file = process.env[TestEnvVars.workflowBundle];
  if (!file || !fs.existsSync(file)) {
    const why = process.env[TestEnvVars.workflowBundleError];
    throw new TestHarnessError(
      `No prebuilt workflow bundle${why ? `: ${why}` : ''}. The jest global setup bundles workflows/index.ts once per run; check its output.`,
    );
  }
  return file;
}

let queueCounter = 0;

/** A task queue name no other test (or concurrent jest run) uses, e.g. `sensor-test-4242-lq3x9k-1`. */
export function uniqueTaskQueue(prefix: string): string {
  queueCounter += 1;
  const random = Math.random().toString(36).slice(2, 8);
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${queueCounter}-${random}`;
}

/** Options for {@link startDedicatedTestServer}. */
export interface DedicatedTestServerOptions {
  /** Dynamic config, e.g. `{ 'limit.historyCount.suggestContinueAsNew': 100 }`. */
  dynamicConfig?: Record<string, unknown>;
  /** SQLite file to persist to; default in memory. */
  dbFile?: string | null;
  /** Search attribute declarations; default Stratum's. */
  searchAttributes?: readonly string[];
  /** Namespace; default `default`. */
  namespace?: string;
}

/**
 * Start a dev server of its own for a test file that needs special server config. Headless,
 * on free ports, in memory unless `dbFile` is given. Stop it in `afterAll`.
 *
 * @example
 * ```ts
 * let server: DevServer;
 * beforeAll(async () => {
 *   server = await startDedicatedTestServer({ dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 100 } });
 * });
 * afterAll(() => server?.stop());
 * ```
 */
export async function startDedicatedTestServer(options: DedicatedTestServerOptions = {}): Promise<DevServer> {
  const serverOptions: DevServerOptions = {
    port: 0,
    headless: true,
    dbFile: options.dbFile ?? null,
    cliPath: process.env[TestEnvVars.temporalCli] || (await findOrBuildTemporalCli()),
  };
  if (options.dynamicConfig !== undefined) serverOptions.dynamicConfig = options.dynamicConfig;
  if (options.searchAttributes !== undefined) serverOptions.searchAttributes = options.searchAttributes;
  if (options.namespace !== undefined) serverOptions.namespace = options.namespace;
  return startDevServer(serverOptions);
}

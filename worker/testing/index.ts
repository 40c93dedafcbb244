/**
 * `stratum/testing`: helpers for users' jest tests.
 * - {@link materializeForTest} runs the real Stratum workflows on an in-process Temporal server
 *   (shared by a test file, torn down after it) with an in-memory catalog and IO manager, and
 *   returns the run's result with each materialized asset's value;
 * - {@link createStratumTestEnvironment} does the same with a server whose life the test controls;
 * - {@link buildAssetContext} builds the context for calling one asset's function directly.
 *
 * Loads Temporal's worker and test server support and the catalog's SQLite driver.
 */
export { materializeForTest, teardownSharedTestEnvironment } from './materialize-for-test';
export { createStratumTestEnvironment } from './test-environment';
export type { MaterializeForTestOptions, StratumTestEnvironment, StratumTestEnvironmentOptions } from './test-environment';
export type { TestServerOptions } from './test-server';
export type { TestRunResult } from './test-run-result';
export type { TestResources } from './test-resources';
export { buildAssetContext } from './build-asset-context';
export type { BuildAssetContextOptions, ContextDefinition, TestOpContext } from './build-asset-context';
export { ValueNotMaterializedError, ValueLoadError, InvalidTestContextError, TestEnvironmentClosedError } from './testing-errors';
export type { LogLine, LogLineInput } from '../../sdk/catalog';

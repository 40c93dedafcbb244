/**
 * The Stratum catalog: runs, materializations, partition status, run logs and dynamic partitions,
 * in SQLite (default) or PostgreSQL. Start with {@link openCatalog}.
 */
export { LogLevel, PartitionStatus, RunStatus, StepStatus } from './catalog';
export type {
  AssetSummary,
  Catalog,
  FinishedRunStatus,
  ListRunsOptions,
  LogLine,
  LogLineInput,
  MaterializationHistoryOptions,
  MaterializationInput,
  MaterializationRecord,
  PartitionFailedEvent,
  PartitionRange,
  PartitionStatusRecord,
  PartitionSummary,
  RunFinishedEvent,
  RunLogsOptions,
  RunRecord,
  RunStartedEvent,
  RunWithSteps,
  StepRecord,
} from './catalog';
export { parseCatalogLocation } from './catalog-location';
export type { CatalogLocation } from './catalog-location';
export {
  CatalogConnectionError,
  CatalogError,
  CatalogInputError,
  CatalogLocationError,
  CatalogRunNotFoundError,
  CatalogSchemaError,
} from './errors';
export { catalogMigrations, migrateCatalog } from './migrations';
export type { CatalogMigration, MigrateCatalogOptions } from './migrations';
export { openCatalog } from './open-catalog';
export type { OpenCatalogOptions } from './open-catalog';
export type { CatalogDatabase } from './schema';
export { SqlCatalog } from './sql-catalog';
export type { CatalogDialect } from './write-transaction';

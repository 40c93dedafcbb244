/**
 * The Stratum catalog: runs, materializations, partition status, run logs and dynamic partitions,
 * in SQLite (default) or PostgreSQL. Start with {@link openCatalog}.
 */
export { LogLevel, PartitionStatus, RunStatus, StepStatus } from './catalog';
export type {
  AssetSummary,
  AssetVersionRecord,
  ObservationInput,
  ObservationRecord,
  Catalog,
  CatalogReader,
  CatalogWriter,
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
  SensorCursorRecord,
  SensorWatchRecord,
  RunStatusWatch,
  RunStatusWatchRecord,
  SensorRunKeyReservation,
  StepRecord,
} from './catalog';
export { CheckOutcome } from './check-result';
export type { CheckHistoryOptions, CheckResultInput, CheckResultRecord } from './check-result';
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
export { catalogMigrations, migrateCatalog } from './migrations/migrations';
export type { CatalogMigration, MigrateCatalogOptions } from './migrations/migrations';
export { openCatalog } from './open-catalog';
export type { PruneOptions, PruneResult } from './retention';
export type { OpenCatalogOptions } from './open-catalog';
export type { CatalogDatabase } from './sql/schema';
export { SqlCatalog } from './sql/sql-catalog';
export type { CatalogDialect } from './sql/write-transaction';

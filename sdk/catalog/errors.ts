import { StratumError } from '../errors';

/**
 * Base class of every error the catalog throws. Each subclass has a stable `code`.
 */
export abstract class CatalogError extends StratumError {}

/**
 * The catalog could not be opened: PostgreSQL unreachable or refusing the login, or the SQLite
 * file not readable / not a database. The message names the host and port (or the file) and says
 * what to check. It never contains the password of a connection URL.
 */
export class CatalogConnectionError extends CatalogError {
  readonly code = 'STRATUM_CATALOG_CONNECTION';
  constructor(
    message: string,
    /** The location with any password replaced by `***`. */
    readonly location: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A catalog location that is neither a PostgreSQL URL nor a SQLite path. */
export class CatalogLocationError extends CatalogError {
  readonly code = 'STRATUM_CATALOG_LOCATION';
  constructor(readonly location: string) {
    super(
      `Unsupported catalog location ${JSON.stringify(location)}. Use a SQLite file path (e.g. ".stratum/catalog.db" or "sqlite:/var/lib/stratum/catalog.db"), ":memory:", or a PostgreSQL URL ("postgres://user:password@host:5432/database").`,
    );
  }
}

/**
 * The catalog schema could not be brought up to date, or was written by a newer Stratum than this
 * one (its schema version is higher than any migration this code knows).
 */
export class CatalogSchemaError extends CatalogError {
  readonly code = 'STRATUM_CATALOG_SCHEMA';
}

/** A value passed to a catalog method that it cannot store (empty partition key, bad limit…). */
export class CatalogInputError extends CatalogError {
  readonly code = 'STRATUM_CATALOG_INPUT';
}

/** `recordRunFinished` was called for a run that was never recorded as started. */
export class CatalogRunNotFoundError extends CatalogError {
  readonly code = 'STRATUM_CATALOG_RUN_NOT_FOUND';
  constructor(readonly runId: string) {
    super(
      `Run "${runId}" is not in the catalog, so its end cannot be recorded. Record the run with recordRunStarted(...) before recordRunFinished(...); if the catalog was wiped, the run's outcome is still in its Temporal workflow history.`,
    );
  }
}

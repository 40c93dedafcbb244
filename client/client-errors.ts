import { InvalidRequestError } from '../sdk/errors';

/** A run id (or workflow id) that the catalog does not know. */
export class UnknownRunError extends InvalidRequestError {
  readonly code = 'STRATUM_UNKNOWN_RUN';

  constructor(
    /** The run id or workflow id asked for. */
    readonly runId: string,
  ) {
    super(`No run ${runId} in the catalog. Check the id (client.listRuns() or \`stratum runs list\` shows recent runs), and that this client reads the catalog the workers write (STRATUM_CATALOG / { catalog }).`);
  }
}

/** A {@link StratumClient} method that reads or writes the catalog was called on a client built without one. */
export class CatalogRequiredError extends InvalidRequestError {
  readonly code = 'STRATUM_CATALOG_REQUIRED';

  constructor(
    /** What needed the catalog, e.g. `startBackfill`. */
    readonly operation: string,
  ) {
    super(
      `StratumClient.${operation} needs the catalog, and this client has none. Pass one: new StratumClient(client, defs, { catalog: await openCatalog(location) }), ` +
        'or use StratumClient.connect({ definitions }), which opens the default catalog (STRATUM_CATALOG_URL, STRATUM_CATALOG or .stratum/catalog.db).',
    );
  }
}

/** `rebuildCatalog` was given a catalog that already holds runs or assets. */
export class CatalogNotEmptyError extends InvalidRequestError {
  readonly code = 'STRATUM_CATALOG_NOT_EMPTY';

  constructor(
    /** Where the catalog lives, safe to print. */
    readonly location: string,
  ) {
    super(`The catalog at ${location} is not empty. Rebuild into a new SQLite file or an empty PostgreSQL database.`);
  }
}

/** A schedule that is in the code but not in the cluster (never deployed, or deleted). */
export class ScheduleNotDeployedError extends InvalidRequestError {
  readonly code = 'STRATUM_SCHEDULE_NOT_DEPLOYED';

  constructor(
    /** The schedule's name. */
    readonly scheduleName: string,
  ) {
    super(`Schedule "${scheduleName}" is in the code but not in the cluster; deploy first (client.deploy() or \`stratum deploy\`).`);
  }
}

/** A run that cannot be re-executed as asked: still running, nothing failed (with `fromFailure`), its plan not found, or steps the definitions no longer have. */
export class ReexecutionRefusedError extends InvalidRequestError {
  readonly code = 'STRATUM_REEXECUTION_REFUSED';

  constructor(
    /** The run asked for. */
    readonly runId: string,
    /** Why, as a sentence ending with what to do. */
    reason: string,
  ) {
    super(`Cannot re-execute run ${runId}: ${reason}`);
  }
}

/** A prefix of a run id that more than one run starts with. */
export class AmbiguousRunIdError extends InvalidRequestError {
  readonly code = 'STRATUM_AMBIGUOUS_RUN_ID';

  constructor(
    /** The prefix given. */
    readonly prefix: string,
    /** Run ids it matches (the first few). */
    readonly matches: string[],
  ) {
    super(`Run id prefix ${prefix} matches ${matches.length > 10 ? 'more than 10' : matches.length} runs:\n${matches.slice(0, 10).map((m) => `  ${m}`).join('\n')}\nGive more characters of the run id.`);
  }
}

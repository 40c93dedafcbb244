/**
 * Stratum's error families, after Dagster's `_core/errors.py`:
 * - {@link DefinitionError}: raised while definitions load (bad keys, cycles, missing upstream…);
 * - {@link InvalidRequestError}: a request refused before anything starts (unknown selection,
 *   config failing its schema, a partition key outside its definition…);
 * - {@link StratumInvariantError}: something Stratum itself got wrong at run time;
 * - {@link UserCodeError}: the user's op function failed, wrapped with its step, asset and partition.
 *
 * Every message says what happened and how to fix it, and every error carries a stable `code`.
 */
export abstract class StratumError extends Error {
  /** Stable identifier, e.g. `STRATUM_ASSET_CYCLE`, safe to match on. */
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A problem in the definitions themselves, found while they load. */
export abstract class DefinitionError extends StratumError {}

/** A request (selection, config, partition key…) that is refused before anything starts. */
export abstract class InvalidRequestError extends StratumError {}

/** Two or more definitions share a key. Lists every collision. */
export class DuplicateKeyError extends DefinitionError {
  readonly code = 'STRATUM_DUPLICATE_KEY';
  constructor(readonly collisions: { key: string; definedBy: string[] }[]) {
    super(
      `Duplicate keys in Definitions: ${collisions
        .map((c) => `"${c.key}" is defined by ${c.definedBy.join(' and ')}`)
        .join('; ')}. Give each asset, multi-asset, job and op node a unique key (a key prefix such as \`sales/\` is one way).`,
    );
  }
}

/** An asset reads an upstream asset that is not part of the Definitions. */
export class MissingUpstreamError extends DefinitionError {
  readonly code = 'STRATUM_MISSING_UPSTREAM';
  constructor(readonly missing: { assetKey: string; upstreamKey: string }[]) {
    super(
      `Missing upstream assets: ${missing
        .map((m) => `"${m.assetKey}" depends on "${m.upstreamKey}"`)
        .join('; ')}, which ${missing.length === 1 ? 'is' : 'are'} not in Definitions. Add the upstream asset to Definitions({ assets: [...] }), or remove the dependency.`,
    );
  }
}

/** The asset graph has a cycle; the message names it. */
export class AssetCycleError extends DefinitionError {
  readonly code = 'STRATUM_ASSET_CYCLE';
  constructor(readonly cycle: string[]) {
    super(
      `The asset graph has a cycle: ${cycle.join(' -> ')}. Assets must form a DAG; remove one of these dependencies (an asset that reads its own earlier partitions uses a time-window partition mapping instead).`,
    );
  }
}

/** A definition requires a resource (or IO manager) key that Definitions does not provide. */
export class UnknownResourceError extends DefinitionError {
  readonly code = 'STRATUM_UNKNOWN_RESOURCE';
  constructor(readonly missing: { requiredBy: string; resourceKey: string; kind: 'resource' | 'IO manager'; suggestions: string[] }[]) {
    super(
      `Unknown ${missing[0]?.kind ?? 'resource'}s: ${missing
        .map(
          (m) =>
            `${m.requiredBy} requires ${m.kind} "${m.resourceKey}"${m.suggestions.length ? ` (did you mean ${m.suggestions.map((s) => `"${s}"`).join(', ')}?)` : ''}`,
        )
        .join('; ')}. Provide it in Definitions({ ${missing[0]?.kind === 'IO manager' ? 'ioManagers' : 'resources'}: { ${missing[0]?.resourceKey ?? 'key'}: ... } }).`,
    );
  }
}

/** A `config` option is not a zod schema, or its defaults do not satisfy it. */
export class InvalidConfigSchemaError extends DefinitionError {
  readonly code = 'STRATUM_INVALID_CONFIG_SCHEMA';
  constructor(readonly owner: string, detail: string) {
    super(`Invalid config schema on ${owner}: ${detail}. Pass a zod schema, e.g. config: z.object({ limit: z.number().default(10) }).`);
  }
}

/** A key, name or option that does not follow Stratum's rules. */
export class InvalidDefinitionError extends DefinitionError {
  readonly code = 'STRATUM_INVALID_DEFINITION';
}

/** A selection names assets, groups or jobs that do not exist. Suggests near matches. */
export class UnknownSelectionError extends InvalidRequestError {
  readonly code = 'STRATUM_UNKNOWN_SELECTION';
  constructor(readonly unknown: { term: string; suggestions: string[] }[], known: string) {
    super(
      `Unknown selection: ${unknown
        .map((u) => `"${u.term}"${u.suggestions.length ? ` (did you mean ${u.suggestions.map((s) => `"${s}"`).join(', ')}?)` : ''}`)
        .join('; ')}. ${known}`,
    );
  }
}

/** A selection string that does not parse. */
export class SelectionSyntaxError extends InvalidRequestError {
  readonly code = 'STRATUM_SELECTION_SYNTAX';
}

/** Run config that fails a zod schema, or names steps that take no config. */
export class ConfigValidationError extends InvalidRequestError {
  readonly code = 'STRATUM_INVALID_CONFIG';
  constructor(readonly problems: { path: string; message: string }[]) {
    super(
      `Run config is invalid:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}\nFix the config (--config JSON or @file) and run again; nothing was started.`,
    );
  }
}

/** A request that misses something it needs, such as a partition key for partitioned assets. */
export class InvalidRunRequestError extends InvalidRequestError {
  readonly code = 'STRATUM_INVALID_RUN_REQUEST';
}

/** A plan names steps the worker's definitions do not have (worker and client out of sync). */
export class UnknownStepError extends StratumError {
  readonly code = 'STRATUM_UNKNOWN_STEP';
  constructor(readonly stepKeys: string[], known: string[]) {
    super(
      `This worker does not know step${stepKeys.length > 1 ? 's' : ''} ${stepKeys.map((k) => `"${k}"`).join(', ')} (it knows ${known.length} steps${known.length ? `: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''}` : ''}). Deploy the same definitions to the worker as to the client that planned the run, then run again.`,
    );
  }
}

/** Something Stratum itself got wrong at run time. Please report it. */
export class StratumInvariantError extends StratumError {
  readonly code = 'STRATUM_INVARIANT';
}

/**
 * The user's function for a step threw. Carries the step, asset and partition so the failure can
 * be found; the original error is the `cause`.
 */
export class UserCodeError extends StratumError {
  readonly code = 'STRATUM_USER_CODE';
  constructor(
    readonly where: { stepKey: string; assetKeys: string[]; partitionKey: string | null },
    cause: unknown,
  ) {
    super(
      `Step "${where.stepKey}"${where.partitionKey !== null ? ` (partition ${where.partitionKey})` : ''} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/** An op returned a value that fails its `output` schema. Not retried. */
export class OutputValidationError extends StratumError {
  readonly code = 'STRATUM_INVALID_OUTPUT';
  constructor(readonly stepKey: string, readonly outputName: string, readonly problems: { path: string; message: string }[]) {
    super(
      `Step "${stepKey}" returned an output "${outputName}" that fails its schema:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}\nFix the op so it returns data matching its output schema, or change the schema.`,
    );
  }
}

/** An input value could not be loaded: the upstream asset has never been materialized. */
export class MissingInputError extends StratumError {
  readonly code = 'STRATUM_MISSING_INPUT';
}

/**
 * Throw this from an op to fail its step without retries (Temporal's non-retryable failure,
 * Inngest's `NonRetriableError`).
 *
 * @example
 * if (!response.ok) throw new NonRetryableError(`bad request: ${response.status}`);
 */
export class NonRetryableError extends StratumError {
  readonly code = 'STRATUM_NON_RETRYABLE';
}

/** A schedule definition that cannot work: bad cron, interval, time zone, target, config or partitions. */
export class InvalidScheduleError extends DefinitionError {
  readonly code = 'STRATUM_INVALID_SCHEDULE';
  constructor(readonly owner: string, detail: string) {
    super(`Invalid ${owner}: ${detail}.`);
  }
}

/** A schedule name that the definitions do not have. Suggests near matches. */
export class UnknownScheduleError extends InvalidRequestError {
  readonly code = 'STRATUM_UNKNOWN_SCHEDULE';
  constructor(readonly scheduleName: string, known: readonly string[], suggestions: readonly string[]) {
    super(
      `Unknown schedule "${scheduleName}"${suggestions.length ? ` (did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?)` : ''}. ${
        known.length ? `Known schedules: ${known.join(', ')}.` : 'These definitions have no schedules; add one with schedule({ ... }) to Definitions({ schedules: [...] }).'
      }`,
    );
  }
}

/**
 * A blocking asset check of severity `error` failed: its step fails (never retried), the asset's
 * downstream steps are skipped and the run fails. The message names the check and says why.
 */
export class AssetCheckFailedError extends StratumError {
  readonly code = 'STRATUM_ASSET_CHECK_FAILED';
  constructor(
    readonly check: { assetKey: string; checkName: string },
    readonly failures: { partitionKey: string | null; description: string | null; metadata: Record<string, unknown> }[],
  ) {
    super(
      `Blocking check "${check.checkName}" of asset "${check.assetKey}" failed${failures
        .map((f) => `${f.partitionKey !== null ? ` for partition ${f.partitionKey}` : ''}: ${f.description ?? 'no description'}${Object.keys(f.metadata).length ? ` ${JSON.stringify(f.metadata)}` : ''}`)
        .join(';')}. Downstream steps were skipped. Fix the data (or the check) and materialize again.`,
    );
  }
}

/** A check function returned something other than a boolean or `{ passed: boolean, ... }`. */
export class InvalidCheckResultError extends StratumError {
  readonly code = 'STRATUM_INVALID_CHECK_RESULT';
}

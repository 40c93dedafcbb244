import { StratumError } from './stratum-error';

/** Request errors: a selection, config, partition or name refused before anything starts. */

/** A request (selection, config, partition key…) that is refused before anything starts. */
export abstract class InvalidRequestError extends StratumError {}

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
 * A request that Temporal would refuse: a partition key, run id or backfill id too long for the
 * ids and search attributes that hold it, or a plan (config, tags) larger than a payload may be.
 * Names the limit and the server setting behind it; nothing was started.
 */
export class RequestOverLimitError extends InvalidRequestError {
  readonly code = 'STRATUM_REQUEST_OVER_LIMIT';
  constructor(readonly problems: readonly string[]) {
    super(`This request does not fit Temporal's limits, so nothing was started:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * The Temporal server refused to start a workflow or create a schedule. The message carries the
 * server's own reason (`search attribute … exceeds size limit 2048`, `WorkflowId length exceeds
 * limit.`…) and its gRPC status; `cause` is the client's error.
 */
export class StartRefusedError extends InvalidRequestError {
  readonly code = 'STRATUM_START_REFUSED';
  constructor(
    /** What was being started, e.g. `run workflow stratum/run/orders/3f0c…`. */
    readonly what: string,
    /** The server's reason, as it gave it. */
    readonly reason: string,
    /** The gRPC status name, e.g. `INVALID_ARGUMENT`, when known. */
    readonly status: string | null,
    options?: { cause?: unknown },
  ) {
    super(`Temporal refused to start ${what}: ${reason}${status ? ` (${status})` : ''}. Nothing was started.${hintFor(reason, status)}`, options);
  }
}

function hintFor(reason: string, status: string | null): string {
  if (/exceeds (size |length )?limit|too long|size limit/i.test(reason)) {
    return ' A name, partition key or input is over one of the server\'s limits: shorten it, or raise the limit in the server\'s dynamic config.';
  }
  if (/search attribute/i.test(reason) && /not (defined|registered|found)|no mapping|invalid search attribute/i.test(reason)) {
    return ' Register Stratum\'s search attributes in this namespace: run `stratum setup` once (with the same TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE).';
  }
  if (status === 'UNAVAILABLE') return ' Check that the Temporal server is running and reachable (TEMPORAL_ADDRESS).';
  return '';
}

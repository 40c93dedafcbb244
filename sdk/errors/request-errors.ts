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

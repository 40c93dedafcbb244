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

import { StratumError } from '../../errors';

/**
 * A value the serializer cannot store faithfully: JSON has no `NaN`, `Infinity`, `BigInt` or
 * cycles, and would turn some of them into `null` without a word. `path` names the bad part
 * (`''` for the whole value, else e.g. `rows[3].price`). Stratum fails the step at once (no
 * retry can change a deterministic value) with a message naming the asset and this path.
 *
 * @example
 * try { jsonSerializer.serialize({ price: NaN }) } catch (e) {
 *   if (e instanceof UnserializableValueError) console.error(e.path, e.problem); // 'price', 'is NaN…'
 * }
 */
export class UnserializableValueError extends StratumError {
  readonly code = 'STRATUM_UNSERIALIZABLE_VALUE';

  constructor(
    /** Where in the value the problem is: `''` for the value itself, else a path such as `rows[3].price`. */
    readonly path: string,
    /** What is wrong there and how to fix it, e.g. `is NaN (JSON has no NaN; …)`. */
    readonly problem: string,
  ) {
    super(`The value cannot be stored as JSON: ${path === '' ? 'the value' : path} ${problem}.`);
  }
}

import type { Definitions } from '../definitions/definitions';
import { sensorsOf } from '../automation/sensors/code-location-sensors';
import { resolveSchedules } from './schedule-resolution';
import { checkDefinitionLimits } from './temporal-limits-check';

/**
 * The checks of a code location that `new Definitions` leaves to the layers above it: names
 * against Temporal's limits (`NameOverLimitError`, see `checkDefinitionLimits`); every
 * schedule is planned against the definitions (target, config, partitions; throws
 * `InvalidScheduleError`), and the built-in sensors join the declared ones (throws
 * `DuplicateKeyError` on a name clash). The CLI runs it when it loads a definitions module and
 * `createWorker` before the worker starts, so a bad schedule is refused before anything runs.
 *
 * @example
 * validateDefinitions(defs); // throws on the first bad schedule
 */
export function validateDefinitions(definitions: Definitions): void {
  checkDefinitionLimits(definitions);
  sensorsOf(definitions);
  resolveSchedules(definitions);
}

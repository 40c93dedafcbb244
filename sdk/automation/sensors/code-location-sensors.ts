import type { Definitions } from '../../definitions/definitions';
import { DuplicateKeyError } from '../../errors';
import { eagerAutomationSensors } from './eager-automation';
import type { AnySensorDefinition } from './sensor-definition';

const cache = new WeakMap<Definitions, readonly AnySensorDefinition[]>();

/**
 * Every sensor of a code location: the ones its `Definitions` declares, then the built-in eager
 * automation sensor when some asset has `automation: 'eager'`. What deploy starts, workers
 * evaluate and plans notify. Throws {@link DuplicateKeyError} when a declared sensor takes the
 * built-in one's name.
 *
 * @example
 * for (const sensor of sensorsOf(defs)) console.log(sensor.name, sensor.defaultStatus);
 */
export function sensorsOf(definitions: Definitions): readonly AnySensorDefinition[] {
  const known = cache.get(definitions);
  if (known) return known;
  const builtIn = eagerAutomationSensors(definitions);
  const taken = builtIn.filter((b) => definitions.declaredSensors.some((s) => s.name === b.name));
  if (taken.length > 0) {
    throw new DuplicateKeyError(taken.map((b) => ({ key: b.name, definedBy: [`sensor "${b.name}"`, `${b.kind} sensor "${b.name}" (built in)`] })));
  }
  const all = [...definitions.declaredSensors, ...builtIn];
  cache.set(definitions, all);
  return all;
}

/** The sensor of the code location named `name` (built-in ones included), or undefined. */
export function sensorNamed(definitions: Definitions, name: string): AnySensorDefinition | undefined {
  return sensorsOf(definitions).find((s) => s.name === name);
}

import type { Definitions } from '../sdk/definitions/definitions';
import { UnknownScheduleError } from '../sdk/errors';
import type { ResolvedSchedule } from '../sdk/automation/schedules/resolved-schedule';
import { suggestSimilar } from '../sdk/errors/suggest';
import { resolvedSchedule } from '../sdk/planning/schedule-resolution';

/** The schedule called `name` in the definitions; throws {@link UnknownScheduleError} with near matches. */
export function resolveScheduleName(definitions: Definitions, name: string): ResolvedSchedule {
  const found = resolvedSchedule(definitions, name);
  if (found) return found;
  const known = definitions.schedules.map((s) => s.name);
  throw new UnknownScheduleError(name, known, suggestSimilar(name, known));
}

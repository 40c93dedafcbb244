import type { Definitions } from '../definitions/definitions';
import { ConfigValidationError, InvalidScheduleError, StratumError } from '../errors';
import { TimeWindowPartitionsDefinition } from '../partitions';
import { createPlan } from './planner';
import type { ResolvedSchedule } from '../automation/schedules/resolved-schedule';
import { ScheduleDefinition, type ScheduleCadence } from '../automation/schedules/schedule';
import { suggestSimilar } from '../errors/suggest';

const cache = new WeakMap<Definitions, ReadonlyMap<string, ResolvedSchedule>>();

/**
 * Every schedule of the definitions by name, each checked against them by planning its run
 * (target, config, partitions) and its cadence settled; computed once per `Definitions`.
 * Throws {@link InvalidScheduleError}. The CLI and `createWorker` call it on load (through
 * `validateDefinitions`), so a bad schedule is refused before anything starts.
 */
export function resolveSchedules(definitions: Definitions): ReadonlyMap<string, ResolvedSchedule> {
  const known = cache.get(definitions);
  if (known) return known;
  definitions.schedules.forEach((s, i) => {
    if (!(s instanceof ScheduleDefinition)) throw new InvalidScheduleError(`Definitions schedules[${i}]`, 'is not a schedule; pass values made with schedule()');
  });
  const resolved = new Map(definitions.schedules.map((s) => [s.name, resolveSchedule(definitions, s)]));
  cache.set(definitions, resolved);
  return resolved;
}

/** The schedule named `name`, checked against the definitions (see {@link resolveSchedules}), or undefined. */
export function resolvedSchedule(definitions: Definitions, name: string): ResolvedSchedule | undefined {
  return resolveSchedules(definitions).get(name);
}

/** Checks one schedule against the definitions; see {@link resolveSchedules}. */
function resolveSchedule(definitions: Definitions, schedule: ScheduleDefinition): ResolvedSchedule {
  const owner = `schedule "${schedule.name}"`;
  const target = schedule.target;
  if ('job' in target && !definitions.job(target.job)) {
    const near = suggestSimilar(target.job, definitions.jobs.map((j) => j.name));
    throw new InvalidScheduleError(
      owner,
      `job "${target.job}" is not in Definitions${near.length ? ` (did you mean ${near.map((n) => `"${n}"`).join(', ')}?)` : ''}; add it to Definitions({ jobs: [...] })`,
    );
  }
  let plan;
  try {
    plan = createPlan(definitions, { ...target, config: schedule.config, tags: schedule.tags, deferPartition: true });
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      throw new InvalidScheduleError(owner, `its config does not fit its steps' schemas: ${error.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}; fix config in schedule({ config })`);
    }
    if (error instanceof StratumError) throw new InvalidScheduleError(owner, error.message.replace(/\.$/, ''));
    throw error;
  }
  // Check steps are not in `definitions.steps`; they share their asset's partitions anyway.
  const partitionsOfSteps = plan.steps.flatMap((s) => {
    const step = definitions.steps.get(s.key);
    return step ? [{ step, partitions: step.partitions }] : [];
  });
  const partitioned = partitionsOfSteps.filter((p) => p.partitions !== null);
  let partitions: TimeWindowPartitionsDefinition | null = null;
  if (schedule.partitioned) {
    if (partitioned.length === 0) throw new InvalidScheduleError(owner, 'is partitioned, but none of the assets it runs is; drop partitioned: true');
    const first = partitioned[0]!;
    if (!(first.partitions instanceof TimeWindowPartitionsDefinition)) {
      throw new InvalidScheduleError(owner, `is partitioned, but ${first.step.owner} has ${first.partitions!.describe()}; a schedule can only pick time-window partitions from its tick time (use a sensor for other partitions)`);
    }
    const odd = partitioned.find((p) => !(p.partitions instanceof TimeWindowPartitionsDefinition) || !p.partitions.hasSameCadence(first.partitions as TimeWindowPartitionsDefinition));
    if (odd) {
      throw new InvalidScheduleError(owner, `is partitioned, but its assets do not share one cadence: ${first.step.owner} has ${first.partitions.describe()}, ${odd.step.owner} has ${odd.partitions!.describe()}; schedule them separately`);
    }
    partitions = first.partitions;
  } else if (partitioned.length > 0) {
    const first = partitioned[0]!;
    throw new InvalidScheduleError(
      owner,
      `runs ${first.step.owner}, which is partitioned (${first.partitions!.describe()}), so each run needs a partition: set partitioned: true to run the partition each tick closes`,
    );
  }
  const cadence: ScheduleCadence =
    schedule.everyMs !== null
      ? { kind: 'interval', everyMs: schedule.everyMs }
      : schedule.cron !== null
        ? { kind: 'cron', cron: schedule.cron, timezone: schedule.timezone ?? partitions?.timezone ?? 'UTC' }
        : { kind: 'cron', cron: partitions!.cron, timezone: schedule.timezone ?? partitions!.timezone };
  return {
    definition: schedule,
    name: schedule.name,
    target,
    cadence,
    partitions,
    jobLabel: plan.job ?? plan.label,
    assetKeys: plan.assetKeys,
  };
}

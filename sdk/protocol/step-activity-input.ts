/**
 * The input of a step activity, both ways: what the `materialize` workflow puts in each
 * ActivityTaskScheduled event, and how the activity reads it back. Only what the step's function
 * needs travels (its key, config, partition or range, check, outputs of earlier runs), and fields
 * that are null or unset stay out: a fan-out of 200 steps writes 200 of these to history, and the
 * server's work per step grows with their bytes. Everything else the activity knows from its
 * definitions (kind, asset keys) or its own activity info (workflow, heartbeat timeout).
 */
import type { PlanStep, StepActivityInput, StepActivityStep, StepToRun } from './plan';

/** The activity input of `step` in run `runId`: the step's key and its set fields, nothing else. */
export function stepActivityInput(runId: string, step: PlanStep): StepActivityInput {
  const sent: StepActivityStep = { key: step.key };
  if (step.config !== undefined) sent.config = step.config;
  if (step.partitionKey !== null) sent.partitionKey = step.partitionKey;
  if (step.partitionRange !== null) sent.partitionRange = step.partitionRange;
  if (step.checkOf !== undefined) sent.checkOf = step.checkOf;
  if (step.outputsFromRuns !== undefined) sent.outputsFromRuns = step.outputsFromRuns;
  return { runId, step: sent };
}

/** What the activity works from: `input` (of this version or an older one) with absent fields read as null. */
export function readStepActivityInput(input: StepActivityInput): StepToRun {
  const { step } = input;
  return {
    runId: input.runId,
    step: {
      key: step.key,
      config: step.config,
      partitionKey: step.partitionKey ?? null,
      partitionRange: step.partitionRange ?? null,
      ...(step.checkOf !== undefined ? { checkOf: step.checkOf } : {}),
      ...(step.outputsFromRuns !== undefined ? { outputsFromRuns: step.outputsFromRuns } : {}),
    },
  };
}

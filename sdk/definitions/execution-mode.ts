import { InvalidDefinitionError, InvalidRequestError, InvalidRunRequestError } from '../errors';
import { durationToMs, type Duration } from './duration';

/**
 * How a step runs in Temporal.
 *
 * - `'activity'` (the default): a regular activity on the run's task queue. Any worker of the
 *   queue may run it; it heartbeats, so a lost worker is noticed within the step's
 *   `heartbeatTimeout`; it may run for hours (`timeout`, default `'1h'`). Each step costs a
 *   round trip through the Temporal server (about 50 ms per step of a chain on the dev server).
 * - `'local'`: a Temporal local activity, run by the worker that runs the run's workflow, inside
 *   its workflow task. A chain of short steps needs no task-queue round trip per step (a few ms
 *   per step), like Dagster's in-process executor, and keeps what Temporal gives: the result is
 *   recorded in workflow history, failures are retried with the step's retry policy, each
 *   materialization is a catalog row. What it gives up: no heartbeat (a step's
 *   `heartbeatTimeout` cannot be set), one attempt lasts at most {@link LOCAL_STEP_MAX_TIMEOUT}
 *   (default timeout: that limit), and a worker that dies mid-step is noticed when its workflow
 *   task times out (10 s), after which the next worker runs again the local steps whose
 *   results the dead worker had not yet reported (catalog writes are idempotent: still one row
 *   per asset partition). Cancelling the run cancels a running local step (`ctx.signal`),
 *   once the workflow task running it is reported (at the latest about 8 s after it began).
 *   Use it for steps of seconds, not minutes.
 *
 * Set it on an asset, multi-asset or op (`executionMode: 'local'`), on a job or on `Definitions`
 * (the default of their runs), or per run (`StratumClient.materialize({ executionMode })`,
 * `stratum materialize --execution-mode local`). A step's own setting wins over the run's.
 */
export const StepExecutionMode = {
  ACTIVITY: 'activity',
  LOCAL: 'local',
} as const;
/** See {@link StepExecutionMode}. */
export type StepExecutionMode = (typeof StepExecutionMode)[keyof typeof StepExecutionMode];

/** The longest attempt of a `'local'` step, and its default timeout. */
export const LOCAL_STEP_MAX_TIMEOUT: Duration = '1m';
const LOCAL_STEP_MAX_TIMEOUT_MS = durationToMs(LOCAL_STEP_MAX_TIMEOUT, 'LOCAL_STEP_MAX_TIMEOUT');

/**
 * What running one step as a local activity would mean: its start-to-close timeout, or why it
 * cannot (an explicit timeout above {@link LOCAL_STEP_MAX_TIMEOUT}, or a heartbeat timeout).
 */
export type LocalExecution = { timeoutMs: number } | { problem: string };

/** The modes a user may write, for messages. */
const MODES = Object.values(StepExecutionMode);

/** Checks a mode given by a user (definition or request); `where` names the option in the message. */
export function validateExecutionMode(mode: unknown, where: string, kind: 'definition' | 'request'): StepExecutionMode | undefined {
  if (mode === undefined) return undefined;
  if (typeof mode === 'string' && (MODES as string[]).includes(mode)) return mode as StepExecutionMode;
  const message = `${where}: executionMode must be ${MODES.map((m) => `'${m}'`).join(' or ')}, got ${JSON.stringify(mode)}.`;
  throw kind === 'definition' ? new InvalidDefinitionError(message) : new InvalidRunRequestError(message);
}

/**
 * The step's own mode (undefined: the run's) and what running it locally would mean, from its
 * options. A step that asks for `'local'` with settings local activities cannot honour is
 * refused here, when the definitions load.
 */
export function executionModeOf(owner: string, options: { executionMode?: StepExecutionMode; timeout?: Duration; heartbeatTimeout?: Duration }): {
  executionMode: StepExecutionMode | undefined;
  local: LocalExecution;
} {
  const executionMode = validateExecutionMode(options.executionMode, owner, 'definition');
  const local = localExecutionOf(owner, options);
  if (executionMode === 'local' && 'problem' in local) throw new InvalidDefinitionError(`${owner}: executionMode 'local' ${local.problem}`);
  return { executionMode, local };
}

function localExecutionOf(owner: string, options: { timeout?: Duration; heartbeatTimeout?: Duration }): LocalExecution {
  if (options.heartbeatTimeout !== undefined) {
    return {
      problem:
        'cannot honour a heartbeatTimeout: a local step does not heartbeat (a lost worker is noticed when its workflow task times out). ' +
        `Drop heartbeatTimeout from ${owner}, or run it as a regular activity (executionMode: 'activity').`,
    };
  }
  if (options.timeout === undefined) return { timeoutMs: LOCAL_STEP_MAX_TIMEOUT_MS };
  const timeoutMs = durationToMs(options.timeout, `${owner}: timeout`);
  if (timeoutMs > LOCAL_STEP_MAX_TIMEOUT_MS) {
    return {
      problem:
        `allows one attempt at most ${LOCAL_STEP_MAX_TIMEOUT}, but ${owner} has timeout ${String(options.timeout)}: a local step runs inside a workflow task and is meant for short steps. ` +
        `Lower its timeout to ${LOCAL_STEP_MAX_TIMEOUT} or less, or run it as a regular activity (executionMode: 'activity' on the step).`,
    };
  }
  return { timeoutMs };
}

/**
 * The refusal of a run whose mode is `'local'` while some of its steps cannot run locally (and
 * do not say `executionMode: 'activity'` themselves).
 */
export class LocalExecutionRefusedError extends InvalidRequestError {
  readonly code = 'STRATUM_LOCAL_EXECUTION_REFUSED';
  constructor(readonly steps: readonly { owner: string; problem: string }[]) {
    super(
      `The run asks for executionMode 'local', but ${steps.length === 1 ? 'a step' : `${steps.length} steps`} cannot run as local activities: ` +
        steps.map((s) => `${s.owner} ${s.problem}`).join(' '),
    );
  }
}

/**
 * Plans and run results past Temporal's payload limit (see ARCHITECTURE.md, "Large plans"). A plan
 * whose JSON passes {@link PLAN_INLINE_MAX_BYTES} is stored in the catalog by content hash, in
 * pages, and the `materialize` workflow starts with a small {@link PlanReference}; it fetches the
 * pages with an activity, one page at a time. A long run continues-as-new before its history gets near
 * Temporal's limits, carrying the steps' statuses in one short string. A run result past
 * {@link RESULT_INLINE_MAX_BYTES} is returned compact ({@link RunResultSummary}). Pure: workflow
 * code imports this file.
 */
import type { Plan, PlanStep, RunResult, RunResultSummary, StepOutcome, StepStatus } from './plan';
import { formatBytes, TEMPORAL_LIMITS, utf8Length } from './temporal-limits';

/** Above this much plan JSON the client stores the plan in the catalog and starts the run with a {@link PlanReference}. */
export const PLAN_INLINE_MAX_BYTES = 256 * 1_024;
/** Most JSON in one stored page of a plan: one activity result each, under Temporal's 512 KB payload warning. */
export const PLAN_PAGE_MAX_BYTES = 448 * 1_024;
/**
 * Most stored plan (its pages together) a run takes by reference: every workflow run of it reads
 * the whole plan into its history, which stays under {@link RUN_CONTINUE_AS_NEW_BYTES}, so larger
 * plans are refused. About 15,000 typical steps.
 */
export const PLAN_REFERENCE_MAX_BYTES = 2 * 1_024 * 1_024;
/** Above this much JSON the run's result (and the failure's details) is compact: see {@link RunResultSummary}. */
export const RESULT_INLINE_MAX_BYTES = 256 * 1_024;
/** A run by reference continues-as-new once its history has this many events (Temporal fails a run at 51,200). */
export const RUN_CONTINUE_AS_NEW_EVENTS = 10_000;
/**
 * …or this many bytes of history (Temporal fails a run at 50 MB; the fetched plan counts): clients
 * (`fetchHistory`: `runs show`, re-execution, catalog rebuild) read history in pages the server
 * may make as large as the whole history, and gRPC refuses messages past 4 MB by default.
 */
export const RUN_CONTINUE_AS_NEW_BYTES = 3.5 * 1_024 * 1_024;
/** Outcomes of steps that did not succeed listed in a compact result; the rest are counted. */
export const MAX_LISTED_OUTCOMES = 500;
/** Characters of a step's error kept in a compact result (the catalog has the whole message). */
const LISTED_ERROR_CHARS = 300;

/** Environment variable (read by the client) that lowers {@link PLAN_INLINE_MAX_BYTES}, in bytes: tests send small plans by reference. */
export const PLAN_INLINE_MAX_BYTES_ENV = 'STRATUM_PLAN_INLINE_MAX_BYTES';
/** Environment variable (read by the client) that sets {@link PlanReference.continueAsNewAfterEvents}. */
export const RUN_CONTINUE_AS_NEW_EVENTS_ENV = 'STRATUM_RUN_CONTINUE_AS_NEW_EVENTS';

/** Activity type of the activity that reads one page of a stored plan. */
export const PLAN_PAGE_ACTIVITY = 'stratum.planPage';
/** Error type of a plan reference the catalog cannot resolve (not retried: the plan is not coming). */
export const PLAN_NOT_FOUND_ERROR_TYPE = 'StratumPlanNotFound';
/** Activity type of the local activity that records a run's step outcomes before it continues-as-new. */
export const RECORD_RUN_STEPS_ACTIVITY = 'stratum.recordRunSteps';

/**
 * The `materialize` workflow's input when the plan is in the catalog: which plan, and what the
 * workflow needs before it has fetched it. Its steps come from {@link PlanPage}s.
 */
export interface PlanReference {
  /** Marks the shape (a {@link Plan} has `version` and `steps`, a reference has this). */
  planRef: {
    /** sha256 (hex) of the plan's JSON: its key in the catalog. */
    hash: string;
    /** Pages stored: page 0 is the plan without steps, pages 1… its steps in order. */
    pages: number;
    /** Length of the plan's JSON (UTF-8). */
    bytes: number;
    /** Steps in the plan. */
    steps: number;
  };
  runId: string;
  label: string;
  /** Continue-as-new once the history has this many events (default {@link RUN_CONTINUE_AS_NEW_EVENTS}). */
  continueAsNewAfterEvents?: number;
  /** Set by a run that continued-as-new: what it did so far. Absent on the first workflow run. */
  continuation?: RunContinuation;
}

/** What a run by reference carries into its next workflow run (continue-as-new). */
export interface RunContinuation {
  /** Workflow runs before this one. */
  segment: number;
  /** Epoch ms when the run (its first workflow run) started. */
  startedAt: number;
  /**
   * One character per plan step, in plan order: `.` not settled, `s` succeeded, `f` failed,
   * `k` skipped, `c` canceled. Outcomes themselves are in the catalog (`stratum.recordRunSteps`).
   */
  statuses: string;
  /** Outcomes of earlier steps that did not succeed, as a compact result lists them (at most {@link MAX_LISTED_OUTCOMES}). */
  listed: StepOutcome[];
}

/** One page of a stored plan, as the `stratum.planPage` activity returns it (and its history records it). */
export interface PlanPage {
  hash: string;
  page: number;
  pages: number;
  /** Page 0 only: the plan without its steps (`steps: []`). */
  header?: Plan;
  /** Pages 1…: consecutive steps of the plan, encoded against `base` (see {@link decodePlanSteps}). */
  steps: EncodedPlanStep[];
  /** Pages 1…: the field values most steps share; a step lists only the fields that differ. */
  base?: Partial<PlanStep>;
}

/** A step in a stored page: its fields that differ from the page's `base`, and `$absent` for base fields it lacks. */
export type EncodedPlanStep = Partial<PlanStep> & { $absent?: string[] };

/** The JSON body of a stored steps page. */
interface StepsPageBody {
  base: Partial<PlanStep>;
  steps: EncodedPlanStep[];
}

/** Input of the `stratum.planPage` activity. */
export interface PlanPageInput {
  hash: string;
  page: number;
}

/** Input of the `stratum.recordRunSteps` local activity: outcomes settled in one workflow run, with their plan positions. */
export interface RecordRunStepsInput {
  runId: string;
  partitionKey: string | null;
  partitionRange: Plan['partitionRange'];
  endedAt: number;
  steps: { position: number; outcome: StepOutcome }[];
}

/** Whether a `materialize` input is a {@link PlanReference} (else it is a whole {@link Plan}). */
export function isPlanReference(input: Plan | PlanReference): input is PlanReference {
  return typeof (input as PlanReference).planRef === 'object' && (input as PlanReference).planRef !== null;
}

/** The character of a status in {@link RunContinuation.statuses}. */
export const STATUS_CHAR: Record<StepStatus, string> = { succeeded: 's', failed: 'f', skipped: 'k', canceled: 'c' };
/** The status of a character of {@link RunContinuation.statuses}, or null for `.` (not settled). */
export function statusOfChar(char: string): StepStatus | null {
  return char === 's' ? 'succeeded' : char === 'f' ? 'failed' : char === 'k' ? 'skipped' : char === 'c' ? 'canceled' : null;
}

/**
 * A plan's JSON split into pages for the catalog: page 0 the plan without steps, then runs of
 * whole steps of at most {@link PLAN_PAGE_MAX_BYTES} each (a step is never split; one that alone
 * passes a page is refused by {@link planSizeProblems}). Steps are stored against a base of the
 * values most steps share (retry policy, timeouts, kind, config `{}`…), which makes a typical
 * step ~100 B instead of ~450 B: what every workflow run of the plan reads into its history.
 */
export function planPages(plan: Plan, pageBytes: number = PLAN_PAGE_MAX_BYTES): string[] {
  const pages = [JSON.stringify({ ...plan, steps: [] })];
  const base = commonFields(plan.steps);
  const baseJson = JSON.stringify(base);
  let current: string[] = [];
  let bytes = baseJson.length + 20;
  const flush = () => {
    pages.push(`{"base":${baseJson},"steps":[${current.join(',')}]}`);
    current = [];
    bytes = baseJson.length + 20;
  };
  for (const step of plan.steps) {
    const json = JSON.stringify(encodeStep(step, base));
    const size = utf8Length(json) + 1;
    if (current.length > 0 && bytes + size > pageBytes) flush();
    current.push(json);
    bytes += size;
  }
  if (current.length > 0) flush();
  return pages;
}

/** The steps of a stored steps page's JSON, as the catalog holds it, into a {@link PlanPage}'s parts. */
export function parseStepsPage(body: string): { base: Partial<PlanStep>; steps: EncodedPlanStep[] } {
  const parsed = JSON.parse(body) as StepsPageBody;
  return { base: parsed.base, steps: parsed.steps };
}

/** The plan steps of a page: each encoded step over the page's base. */
export function decodePlanSteps(page: Pick<PlanPage, 'base' | 'steps'>): PlanStep[] {
  const base = page.base ?? {};
  return page.steps.map((encoded) => {
    const { $absent, ...fields } = encoded;
    const step = { ...base, ...fields } as Record<string, unknown>;
    for (const key of $absent ?? []) delete step[key];
    return step as unknown as PlanStep;
  });
}

/** Per field, the value (by JSON) more than half of the steps have. */
function commonFields(steps: readonly PlanStep[]): Partial<PlanStep> {
  const tallies = new Map<string, Map<string, number>>();
  for (const step of steps) {
    for (const [key, value] of Object.entries(step)) {
      if (value === undefined) continue;
      const json = JSON.stringify(value);
      let tally = tallies.get(key);
      if (!tally) tallies.set(key, (tally = new Map()));
      tally.set(json, (tally.get(json) ?? 0) + 1);
    }
  }
  const base: Record<string, unknown> = {};
  for (const [key, tally] of tallies) {
    for (const [json, count] of tally) if (count * 2 > steps.length) base[key] = JSON.parse(json);
  }
  return base as Partial<PlanStep>;
}

function encodeStep(step: PlanStep, base: Partial<PlanStep>): EncodedPlanStep {
  const encoded: Record<string, unknown> = {};
  const absent: string[] = [];
  for (const [key, value] of Object.entries(step)) {
    if (value === undefined) continue;
    const shared = (base as Record<string, unknown>)[key];
    if (shared === undefined || JSON.stringify(shared) !== JSON.stringify(value)) encoded[key] = value;
  }
  for (const key of Object.keys(base)) if ((step as unknown as Record<string, unknown>)[key] === undefined) absent.push(key);
  if (absent.length > 0) encoded.$absent = absent;
  return encoded as EncodedPlanStep;
}

/**
 * Why a plan cannot run at all, even by reference: a step whose own JSON (its activity input: its
 * config) passes a page, a plan without its steps (tags, notifications) that does, or a plan past
 * {@link PLAN_REFERENCE_MAX_BYTES}. Empty when it can run.
 */
export function planSizeProblems(plan: Plan): string[] {
  // A plan whose whole JSON fits one page has no step or header over a page, and its stored pages
  // (a header, and steps with their common fields once) stay far under PLAN_REFERENCE_MAX_BYTES.
  if (utf8Length(JSON.stringify(plan)) <= PLAN_PAGE_MAX_BYTES) return [];
  const problems: string[] = [];
  const limit = `${formatBytes(TEMPORAL_LIMITS.payload.bytes)} (${TEMPORAL_LIMITS.payload.setting})`;
  for (const step of plan.steps) {
    const bytes = utf8Length(JSON.stringify(step));
    if (bytes > PLAN_PAGE_MAX_BYTES) {
      problems.push(
        `step ${step.key.length > 80 ? `${step.key.slice(0, 77)}...` : step.key} is ${formatBytes(bytes)} of JSON (config ${formatBytes(utf8Length(JSON.stringify(step.config ?? null)))}), ` +
          `over the ${formatBytes(PLAN_PAGE_MAX_BYTES)} a step may take: it travels as its activity's input, which Temporal limits to ${limit}. ` +
          'Pass large inputs by reference (a path, URL or table name in config) instead of inline',
      );
    }
  }
  const headerBytes = utf8Length(JSON.stringify({ ...plan, steps: [] }));
  if (headerBytes > PLAN_PAGE_MAX_BYTES) {
    problems.push(
      `the plan without its steps (${plan.assetKeys.length} asset keys ${formatBytes(utf8Length(JSON.stringify(plan.assetKeys)))}, tags ${formatBytes(utf8Length(JSON.stringify(plan.tags ?? {})))}, ` +
        `sensor notifications ${formatBytes(utf8Length(JSON.stringify(plan.notify ?? null)))}) is ${formatBytes(headerBytes)}, over the ${formatBytes(PLAN_PAGE_MAX_BYTES)} of one page. ` +
        'Split it: materialize fewer assets per run, or use fewer or shorter tags',
    );
  }
  if (problems.length > 0) return problems;
  const total = planPages(plan).reduce((n, page) => n + utf8Length(page), 0);
  if (total > PLAN_REFERENCE_MAX_BYTES) {
    problems.push(
      `the plan is ${formatBytes(total)} stored (${plan.steps.length} steps), over the ${formatBytes(PLAN_REFERENCE_MAX_BYTES)} one run can take: each workflow run reads the whole plan ` +
        'into its history, which must stay readable as one 4 MB gRPC message. ' +
        'Split it: materialize a smaller selection per run, or backfill partitioned assets (one child run per partition)',
    );
  }
  return problems;
}

/** Counts of a run's steps by status. */
export function countStatuses(statuses: Iterable<StepStatus>): RunResultSummary['counts'] {
  const counts = { succeeded: 0, failed: 0, skipped: 0, canceled: 0 };
  for (const status of statuses) counts[status] += 1;
  return counts;
}

/**
 * `result` as it travels back through Temporal: itself when its JSON is at most `maxBytes`
 * (and `force` is false), else compact: the counts by status plus the outcomes of steps that did not
 * succeed (at most {@link MAX_LISTED_OUTCOMES}, errors cut to 300 characters, no materializations),
 * with `summary` saying so. `counts` overrides the counts of `result.steps` (a run that
 * continued-as-new has earlier outcomes only in the catalog).
 */
export function compactRunResult(result: RunResult, options: { maxBytes?: number; counts?: RunResultSummary['counts']; force?: boolean } = {}): RunResult {
  if (!options.force && utf8Length(JSON.stringify(result)) <= (options.maxBytes ?? RESULT_INLINE_MAX_BYTES)) return result;
  const listed = listedOutcomes(result.steps);
  const counts = options.counts ?? countStatuses(result.steps.map((s) => s.status));
  const total = counts.succeeded + counts.failed + counts.skipped + counts.canceled;
  return { ...result, steps: listed, summary: { total, counts, omitted: total - counts.succeeded - listed.length } };
}

/**
 * The result of a backfill's child run as it travels back to its parent: without the outcomes of
 * steps that succeeded (the parent reads only the others, the catalog and the step activities in
 * history have them), the others in full, with `summary` saying so. A result compact already
 * (see {@link compactRunResult}) is returned as it is.
 */
export function withoutSucceededSteps(result: RunResult): RunResult {
  if (result.summary !== undefined) return result;
  const counts = countStatuses(result.steps.map((s) => s.status));
  return { ...result, steps: result.steps.filter((s) => s.status !== 'succeeded'), summary: { total: result.steps.length, counts, omitted: 0 } };
}

/** The outcomes a compact result lists: those that did not succeed, the first {@link MAX_LISTED_OUTCOMES}, errors cut, without materializations. */
export function listedOutcomes(steps: readonly StepOutcome[]): StepOutcome[] {
  return steps
    .filter((s) => s.status !== 'succeeded')
    .slice(0, MAX_LISTED_OUTCOMES)
    .map(
      (s): StepOutcome => ({
        ...s,
        error: s.error !== null && s.error.length > LISTED_ERROR_CHARS ? `${s.error.slice(0, LISTED_ERROR_CHARS - 3)}...` : s.error,
        materializations: [],
        ...(s.skippedBecause ? { skippedBecause: s.skippedBecause.slice(0, 10) } : {}),
        ...(s.checks ? { checks: s.checks.slice(0, 10) } : {}),
      }),
    );
}

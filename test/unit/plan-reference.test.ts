import type { Plan, PlanStep, RunResult, StepOutcome } from '../../sdk/protocol/plan';
import {
  compactRunResult,
  decodePlanSteps,
  parseStepsPage,
  MAX_LISTED_OUTCOMES,
  PLAN_PAGE_MAX_BYTES,
  PLAN_REFERENCE_MAX_BYTES,
  planPages,
  planSizeProblems,
  withoutSucceededSteps,
} from '../../sdk/protocol/plan-reference';
import { utf8Length } from '../../sdk/protocol/temporal-limits';
import { ReadySteps } from '../../workflows/ready-steps';

function step(i: number, config: unknown = {}): PlanStep {
  return {
    key: `unit/asset_${i}`,
    kind: 'asset',
    assetKeys: [`unit/asset_${i}`],
    dependsOn: i > 0 ? [`unit/asset_${i - 1}`] : [],
    config,
    partitionKey: null,
    partitionRange: null,
    retry: { maximumAttempts: 3, initialIntervalMs: 1_000, backoffCoefficient: 2, maximumIntervalMs: 60_000, nonRetryableErrorTypes: ['NonRetryableError'] },
    timeoutMs: 3_600_000,
    heartbeatTimeoutMs: 30_000,
    summary: `asset unit/asset_${i}`,
  };
}

function plan(steps: PlanStep[]): Plan {
  return { version: 1, runId: 'r-1', target: { kind: 'assets', selection: '*' }, label: 'all', job: null, assetKeys: steps.map((s) => s.key), partitionKey: null, partitionRange: null, maxConcurrent: 8, steps, tags: {}, backfillId: null };
}

function outcome(i: number, status: StepOutcome['status']): StepOutcome {
  return { key: `unit/asset_${i}`, status, assetKeys: [`unit/asset_${i}`], startedAt: 1, endedAt: 2, durationMs: 1, attempts: 1, error: status === 'failed' ? 'x'.repeat(1_000) : null, materializations: [] };
}

describe('plan pages', () => {
  test('split a plan into pages under the page size that put it back together', () => {
    const p = plan(Array.from({ length: 5_000 }, (_, i) => step(i)));
    const pages = planPages(p);
    expect(pages.length).toBeGreaterThan(2);
    for (const page of pages) expect(Buffer.byteLength(page)).toBeLessThanOrEqual(PLAN_PAGE_MAX_BYTES);
    const [header, ...rest] = pages;
    expect({ ...(JSON.parse(header!) as Plan), steps: rest.flatMap((page) => decodePlanSteps(parseStepsPage(page))) }).toEqual(p);
    // Steps share their retry policy, timeouts and kind: stored, a step is far smaller than its JSON.
    expect(rest.reduce((n, page) => n + Buffer.byteLength(page), 0)).toBeLessThan(Buffer.byteLength(JSON.stringify(p.steps)) / 3);
  });
});

describe('what a plan by reference cannot take', () => {
  test.each([
    ['a step whose config passes a page', plan([step(0, { blob: 'x'.repeat(PLAN_PAGE_MAX_BYTES) })]), /step unit\/asset_0 is .*limit\.blobSize\.error.*by reference/],
    ['a plan past 2 MiB stored', plan(Array.from({ length: Math.ceil(PLAN_REFERENCE_MAX_BYTES / 400) }, (_, i) => step(i, { query: `select * from t${i}`.padEnd(400, ' ') }))), /over the 2\.0 MB one run can take.*4 MB.*Split it/],
  ])('%s is refused, naming the limit and the fix', (_name, p, message) => {
    expect(planSizeProblems(p).join('\n')).toMatch(message);
  });

  test('a plan of 30,000 assets is refused: its header passes a page', () => {
    expect(planSizeProblems(plan(Array.from({ length: 30_000 }, (_, i) => step(i)))).join('\n')).toMatch(/30000 asset keys.*Split it: materialize fewer assets per run/);
  });

  test('a 10,000-step plan is fine', () => {
    expect(planSizeProblems(plan(Array.from({ length: 10_000 }, (_, i) => step(i))))).toEqual([]);
  });

  test('sizes count UTF-8 bytes as TextEncoder writes them', () => {
    for (const text of ['', 'abc', 'é', '€', '😀', 'a😀b', '\ud800', '\udc00x', 'x\ud83d', 'ü€😀']) {
      expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
    }
  });
});

describe('compact run results', () => {
  const result = (steps: StepOutcome[]): RunResult => ({ runId: 'r-1', label: 'all', status: 'failed', partitionKey: null, partitionRange: null, startedAt: 1, endedAt: 2, steps });

  test('a small result travels whole', () => {
    const small = result([outcome(0, 'succeeded'), outcome(1, 'failed')]);
    expect(compactRunResult(small)).toBe(small);
  });

  test('a large one keeps counts and the first 500 outcomes that did not succeed, errors cut', () => {
    const steps = [...Array.from({ length: 2_000 }, (_, i) => outcome(i, 'succeeded')), ...Array.from({ length: 700 }, (_, i) => outcome(2_000 + i, 'failed'))];
    const compact = compactRunResult(result(steps));
    expect(compact.summary).toEqual({ total: 2_700, counts: { succeeded: 2_000, failed: 700, skipped: 0, canceled: 0 }, omitted: 700 - MAX_LISTED_OUTCOMES });
    expect(compact.steps).toHaveLength(MAX_LISTED_OUTCOMES);
    expect(compact.steps[0]!.error!.length).toBeLessThanOrEqual(300);
    expect(Buffer.byteLength(JSON.stringify(compact))).toBeLessThan(256 * 1_024);
  });

  test("a backfill child's result keeps every step that did not succeed, whole, and counts the rest", () => {
    const full = result([outcome(0, 'succeeded'), outcome(1, 'failed'), outcome(2, 'skipped'), outcome(3, 'succeeded')]);
    const trimmed = withoutSucceededSteps(full);
    expect(trimmed.steps).toEqual([full.steps[1], full.steps[2]]);
    expect(trimmed.steps[0]!.error).toHaveLength(1_000);
    expect(trimmed.summary).toEqual({ total: 4, counts: { succeeded: 2, failed: 1, skipped: 1, canceled: 0 }, omitted: 0 });
    // Already compact (too large for Temporal): left as it is.
    const compact = compactRunResult(result(Array.from({ length: 3_000 }, (_, i) => outcome(i, 'failed'))));
    expect(withoutSucceededSteps(compact)).toBe(compact);
  });
});

describe('ready steps', () => {
  test('come out in plan order whatever order they became ready in', () => {
    const ready = new ReadySteps();
    for (const i of [5, 3, 9, 0, 7, 3, 1]) ready.push(i);
    const out: number[] = [];
    while (ready.size > 0) out.push(ready.pop()!);
    expect(out).toEqual([0, 1, 3, 3, 5, 7, 9]);
  });
});

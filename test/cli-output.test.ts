/**
 * What the CLI prints: the live line of a run erased before step lines (on a terminal), the
 * backfill bar printed once, the lineage tree at the right levels, compact `assets list` rows,
 * `runs show` with its trigger, tags and config (by a unique prefix of the run id), and the
 * summaries runs and backfill children carry into the Temporal UI.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { asset, dailyPartitions, Definitions, inMemoryIOManager } from 'stratum';
import { openCatalog } from '../sdk/catalog';
import { createPlan, summaryOf } from '../sdk/planning/planner';
import { fitNameList } from '../sdk/protocol/summary-text';
import type { StepOutcome } from '../sdk/protocol/plan';
import { assetLineage, lineageToText } from '../sdk/versions/lineage';
import { runTrigger } from '../client/run-trigger';
import { CLEAR_LINE, runningLine, stepLine, stepLinesOutput, watchRun } from '../cli/watch-run';
import { watchBackfill } from '../cli/backfill-progress';
import { compactStaleness, partitionsCell } from '../cli/commands/assets';
import { planConfig, runHeaderLines } from '../cli/commands/runs';
import { runStratum } from './harness/cli-process';
import { startTestStratum, type TestStratum } from './harness/stratum-test-worker';
import { testTemporalAddress, uniqueTaskQueue } from './harness/test-env';

const fixtures = path.resolve(__dirname, 'fixtures');

function project(prefix: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `stratum-${prefix}-`));
  const home = path.join(dir, '.stratum');
  const env = { TEMPORAL_ADDRESS: testTemporalAddress(), STRATUM_HOME: home, STRATUM_TASK_QUEUE: uniqueTaskQueue(prefix) };
  return { dir, home, run: (args: string[]) => runStratum(args, env, { cwd: dir }) };
}

const step = (key: string, status: StepOutcome['status'] = 'succeeded'): StepOutcome => ({
  key,
  status,
  assetKeys: [key],
  startedAt: 0,
  endedAt: 8,
  durationMs: 8,
  attempts: 1,
  error: null,
  materializations: [],
});

describe('the live line of a run', () => {
  test('on a terminal, step lines erase the running line first; elsewhere they are plain lines', () => {
    const lines = [stepLine(step('sales/raw_orders')), stepLine(step('sales/report'))];
    expect(stepLinesOutput(lines, true)).toBe(`${CLEAR_LINE}  ✓ sales/raw_orders  8 ms\n  ✓ sales/report  8 ms\n`);
    expect(stepLinesOutput(lines, false)).toBe('  ✓ sales/raw_orders  8 ms\n  ✓ sales/report  8 ms\n');
    expect(stepLinesOutput([], true)).toBe('');
  });

  test('the running line fits the terminal, so erasing it never leaves a wrapped tail', () => {
    expect(runningLine(['a', 'b'])).toBe('  … running a, b');
    const long = runningLine(Array.from({ length: 40 }, (_, i) => `sales/asset_${i}`), 60);
    expect(long.length).toBeLessThanOrEqual(59);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('lineage tree', () => {
  // c -> b -> a -> root, b -> root, root -> d -> e
  const c = asset({ key: 'lin/c' }, () => 1);
  const b = asset({ key: 'lin/b', ins: { c } }, ({ c }) => c);
  const a = asset({ key: 'lin/a', ins: { b } }, ({ b }) => b);
  const root = asset({ key: 'lin/root', ins: { a, b } }, ({ a, b }) => a + b);
  const d = asset({ key: 'lin/d', ins: { root } }, ({ root }) => root);
  const e = asset({ key: 'lin/e', ins: { d } }, ({ d }) => d);
  const defs = new Definitions({ assets: [a, b, c, root, d, e] });

  test('each asset is drawn with its subtree at its distance from the root; upstream and downstream hang from the root', () => {
    expect(lineageToText(assetLineage(defs, 'lin/root'))).toBe(
      ['lin/root', '├─ <- lin/a', '│  └─ <- lin/b …', '├─ <- lin/b', '│  └─ <- lin/c', '└─ -> lin/d', '   └─ -> lin/e'].join('\n'),
    );
  });

  test('one direction and a depth', () => {
    expect(lineageToText(assetLineage(defs, 'lin/root', { direction: 'upstream', depth: 1 }))).toBe(['lin/root', '├─ <- lin/a', '│  └─ <- lin/b', '└─ <- lin/b'].join('\n'));
    expect(lineageToText(assetLineage(defs, 'lin/b', { direction: 'downstream' }), new Map([['lin/root', 'stale']]))).toBe(
      ['lin/b', '├─ -> lin/a', '│  └─ -> lin/root  stale …', '└─ -> lin/root  stale', '   └─ -> lin/d', '      └─ -> lin/e'].join('\n'),
    );
  });
});

describe('assets list', () => {
  test('a partitioned asset is summed up in a few words', () => {
    const days = dailyPartitions({ start: '2024-01-01', end: '2025-01-01' });
    expect(partitionsCell(days, 366, { materialized: 360, failed: 2 })).toBe('daily, 366 parts: 360 ok, 2 failed, 4 missing');
    expect(partitionsCell(days, 366, { materialized: 366, failed: 0 })).toBe('daily, 366 parts: 366 ok');
    expect(partitionsCell(days, null, { materialized: 3, failed: 0 })).toBe('daily, ? parts: 3 ok');
    const partitions = Array.from({ length: 366 }, (_, i) => ({ status: i < 2 ? 'stale' : 'fresh' }));
    expect(compactStaleness({ status: 'stale', label: 'stale (2 stale, 364 fresh of 366 partitions)', partitions } as never)).toBe('stale (2 of 366)');
  });

  test('rows stay narrow', async () => {
    const p = project('cli-output-assets');
    const { code, stdout } = await p.run(['assets', 'list', '--defs', path.join(fixtures, 'partitioned-defs.ts')]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/cli\/events\s+default\s+daily, 3 parts: 0 ok, 3 missing/);
    for (const line of stdout.trim().split('\n')) expect(line.length).toBeLessThanOrEqual(110);
  }, 60_000);
});

describe('Temporal UI summaries', () => {
  test('a step summary does not repeat the step key (the UI shows the key before it)', () => {
    const days = dailyPartitions({ start: '2024-01-01' });
    const orders = asset({ key: 'sales/raw_orders', partitions: days }, () => 1);
    const defs = new Definitions({ assets: [orders] });
    const plan = createPlan(defs, { selection: 'sales/raw_orders', partitionKey: '2024-01-01' });
    expect(plan.steps[0]!.summary).toBe('asset [2024-01-01]');
    expect(summaryOf({ kind: 'multi-asset', key: 'sales_pair', assetKeys: ['sales/left', 'sales/right'], job: null }, null)).toBe('multi-asset: sales/left, sales/right');
    expect(summaryOf({ kind: 'op', key: 'etl/clean', assetKeys: [], job: 'etl' }, null)).toBe('op in job etl');
  });

  test('backfill children name their assets, fitted to a length', () => {
    expect(fitNameList(['sales/orders', 'sales/revenue', 'sales/report'])).toBe('sales/orders, sales/revenue, sales/report');
    const many = Array.from({ length: 30 }, (_, i) => `warehouse/table_${i}`);
    const fitted = fitNameList(many, 100);
    expect(fitted.length).toBeLessThanOrEqual(100);
    expect(fitted).toMatch(/^warehouse\/table_0, warehouse\/table_1, .* \+\d+ more$/);
    expect(fitNameList(['x'.repeat(150)], 40)).toHaveLength(40);
  });
});

describe('runs show', () => {
  test('the trigger of a run: schedule, sensor, backfill, re-execution or manual', () => {
    const run = { workflowId: 'stratum/run/x/1', backfillId: null, tags: {} as Record<string, string> };
    expect(runTrigger(run).text).toBe('manual');
    expect(runTrigger({ ...run, tags: { 'stratum/schedule': 'nightly', 'stratum/scheduled_at': '2024-03-01T03:00:00.000Z' } }).text).toBe('schedule nightly (tick 2024-03-01T03:00:00.000Z)');
    expect(runTrigger({ ...run, tags: { 'stratum/sensor': 'new_files' } }).kind).toBe('sensor');
    expect(runTrigger({ ...run, backfillId: 'bf1' }).text).toBe('backfill bf1');
    expect(runTrigger({ ...run, tags: { 'stratum/parent_run': 'r0', 'stratum/reexecution_strategy': 'from-failure' } }).text).toBe('re-execution from failure of r0');
  });

  test('the header lines name the trigger, backfill, tags, config and UI link', () => {
    const record = { runId: 'r1', workflowId: 'stratum/run/x/r1', job: null, selection: 'x', assetKeys: ['x'], partitionKey: '2024-01-01', partitionRange: null, backfillId: 'bf1', status: 'succeeded' as const, startedAt: 0, endedAt: 1_000, tags: { team: 'sales' } };
    const lines = runHeaderLines(record, runTrigger(record), { config: { x: { limit: 3 } }, url: 'http://localhost:8233/namespaces/default/workflows/w' });
    expect(lines).toEqual(
      expect.arrayContaining(['  trigger    backfill bf1', '  backfill   bf1', '  tags       team=sales', '  config     {"x":{"limit":3}}', '  ui         http://localhost:8233/namespaces/default/workflows/w']),
    );
  });

  test('a run is found by a unique prefix of its id; an ambiguous prefix lists the matches', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-cli-output-runs-'));
    const file = path.join(dir, 'catalog.db');
    const catalog = await openCatalog(file);
    for (const runId of ['abc-111', 'abc-222', 'xyz-333']) {
      await catalog.recordRunStarted({ runId, workflowId: `stratum/run/x/${runId}`, job: null, selection: 'x', assetKeys: ['x'], partitionKey: null, startedAt: Date.now(), tags: { team: 'sales' } });
    }
    await catalog.close();
    const unique = await runStratum(['runs', 'show', 'xyz', '--catalog', file], { TEMPORAL_ADDRESS: testTemporalAddress() });
    expect(unique.code).toBe(0);
    expect(unique.stdout).toContain('Run xyz-333  started');
    expect(unique.stdout).toContain('  trigger    manual');
    expect(unique.stdout).toContain('  tags       team=sales');
    const ambiguous = await runStratum(['runs', 'show', 'abc', '--catalog', file], { TEMPORAL_ADDRESS: testTemporalAddress() });
    expect(ambiguous.code).not.toBe(0);
    expect(ambiguous.stderr).toMatch(/Run id prefix abc matches 2 runs:\s+abc-\d+\s+abc-\d+/);
  }, 60_000);
});

describe('on a real run', () => {
  const days = dailyPartitions({ start: '2024-01-01', end: '2024-01-05' });
  const slow = asset({ key: 'out/slow', config: z.object({ ms: z.number().default(300) }) }, async (_, ctx) => {
    await new Promise((resolve) => setTimeout(resolve, ctx.config.ms));
    return 1;
  });
  const after = asset({ key: 'out/after_a_long_name_to_show_on_the_running_line', ins: { slow } }, ({ slow }) => slow + 1);
  const daily = asset({ key: 'out/daily', partitions: days }, (_, ctx) => ctx.partitionKey);
  const defs = new Definitions({ assets: [slow, after, daily], ioManagers: { default: inMemoryIOManager() } });
  let t: TestStratum;
  beforeAll(async () => {
    t = await startTestStratum(defs, { prefix: 'cli-output' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  test('watching a run on a terminal never leaves a running line under a step line', async () => {
    const run = await t.stratum.start({ selection: 'out/slow+', config: { 'out/slow': { ms: 800 } } });
    let text = '';
    const result = await watchRun(run.handle, { tty: true, write: (chunk) => (text += chunk) });
    expect(result.status).toBe('succeeded');
    expect(text).toContain('… running out/slow');
    // What a terminal shows: each line as left after its last erase.
    const shown = text.split('\n').map((line) => line.slice(line.lastIndexOf(CLEAR_LINE) === -1 ? 0 : line.lastIndexOf(CLEAR_LINE) + CLEAR_LINE.length));
    expect(shown.filter((l) => l !== '')).toEqual([expect.stringMatching(/^ {2}✓ out\/slow {2}\S/), expect.stringMatching(/^ {2}✓ out\/after_a_long_name_to_show_on_the_running_line {2}\S/)]);
    expect(shown[shown.length - 1]).toBe('');
  }, 60_000);

  test('watching a backfill draws its bar in place and leaves the final line to the summary', async () => {
    const backfill = await t.stratum.startBackfill({ selection: 'out/daily', partitions: { from: '2024-01-01', to: '2024-01-04' } });
    let text = '';
    const progress = await watchBackfill(backfill, { tty: true, write: (chunk) => (text += chunk) });
    expect(progress.status).toBe('completed');
    expect(text).not.toContain('\n');
    expect(text.endsWith(CLEAR_LINE)).toBe(true);
  }, 60_000);
});

test('planConfig keeps the steps given config', () => {
  expect(planConfig({ steps: [{ key: 'a', config: { n: 1 } }, { key: 'b', config: {} }, { key: 'c', config: undefined }] } as never)).toEqual({ a: { n: 1 } });
});

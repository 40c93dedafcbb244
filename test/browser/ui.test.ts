import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { exited, runStratum } from '../harness/cli-process';
import { testTemporalAddress, uniqueTaskQueue } from '../harness/test-env';
import { waitFor } from '../harness/wait';

const root = path.resolve(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'stratum.js');
const etlDefs = path.join(root, 'examples', 'etl', 'defs.ts');
const partitionedDefs = path.join(root, 'examples', 'partitioned', 'defs.ts');
const manyDefs = path.join(root, 'test', 'fixtures', 'ui-many-assets-defs.ts');
const reexecuteDefs = path.join(root, 'test', 'fixtures', 'reexecute-defs.ts');
/** `STRATUM_UI_SCREENSHOTS=docs npx jest test/browser` refreshes the README's screenshots. */
const screenshots = process.env.STRATUM_UI_SCREENSHOTS ? path.resolve(root, process.env.STRATUM_UI_SCREENSHOTS) : null;

/** A project of its own per example: catalog, storage and task queue. */
function project(name: string): NodeJS.ProcessEnv {
  const dir = mkdtempSync(path.join(tmpdir(), `stratum-ui-${name}-`));
  return {
    TEMPORAL_ADDRESS: testTemporalAddress(),
    STRATUM_TASK_QUEUE: uniqueTaskQueue(`ui-${name}`),
    STRATUM_CATALOG: path.join(dir, 'catalog.db'),
    STRATUM_STORAGE_DIR: path.join(dir, 'storage'),
  };
}

/** `stratum ui --port 0` as a user runs it; resolves with the address it prints. */
async function startUi(defs: string, env: NodeJS.ProcessEnv, started: ChildProcess[], args: string[] = []): Promise<string> {
  const child = spawn(process.execPath, [bin, 'ui', '--defs', defs, '--port', '0', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Stratum UI: (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`stratum ui exited (${code}) before printing its address:\n${output}`)));
  });
}

const nodes = (page: Page) => page.locator('[data-testid="asset-graph"] [data-asset-key]');

/** Polls (bounded: 90 s) until the graph's node count passes `check`. */
async function waitForNodes(page: Page, check: (count: number) => boolean): Promise<void> {
  await waitFor(async () => check(await nodes(page).count()), 90_000, 200);
}

async function statuses(page: Page): Promise<Record<string, string>> {
  return page.$$eval('[data-testid="asset-graph"] [data-asset-key]', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-asset-key'), e.getAttribute('data-status')])));
}

describe('the web UI in headless Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  const profile = mkdtempSync(path.join(tmpdir(), 'stratum-ui-chromium-'));
  const processes: ChildProcess[] = [];

  beforeAll(async () => {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1400, height: 860 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    if (screenshots) mkdirSync(screenshots, { recursive: true });
  });

  afterAll(async () => {
    await context?.close();
    for (const child of processes) child.kill('SIGTERM');
    await Promise.all(processes.map(exited));
    rmSync(profile, { recursive: true, force: true });
  });

  test('the graph shows the etl example with its statuses after a materialize; asset, runs and run pages render', async () => {
    const env = project('etl');
    const run = await runStratum(['materialize', '*', '--defs', etlDefs], env);
    expect(run.code).toBe(0);
    const url = await startUi(etlDefs, env, processes);

    await page.goto(url);
    await waitForNodes(page, (n) => n === 5);
    expect(await statuses(page)).toEqual({
      'sales/raw_orders': 'fresh',
      'sales/clean_orders': 'fresh',
      'sales/daily_revenue': 'fresh',
      'sales/product_sales': 'fresh',
      'reports/sales_report': 'fresh',
    });
    expect(await page.locator('[data-group]').evaluateAll((els) => els.map((e) => e.getAttribute('data-group')).sort())).toEqual(['reports', 'sales']);
    if (screenshots) await page.screenshot({ path: path.join(screenshots, 'ui-graph.png') });

    // The selection grammar filters the graph.
    await page.fill('input[name="select"]', 'sales/clean_orders+');
    await page.click('button[type="submit"]');
    await waitForNodes(page, (n) => n === 3);
    expect(Object.keys(await statuses(page)).sort()).toEqual(['sales/clean_orders', 'sales/daily_revenue', 'sales/product_sales']);

    // Click through to the asset page.
    await page.click('[data-asset-key="sales/clean_orders"]');
    await page.waitForSelector('[data-testid="asset-page"]');
    const asset = await page.textContent('[data-testid="asset-page"]');
    expect(asset).toContain('sales/clean_orders');
    expect(asset).toContain('sales/raw_orders'); // upstream
    expect(asset).toContain('Latest materialization');
    expect(await page.locator('[data-testid="runs-table"] [data-run-id]').count()).toBe(1);

    // Runs list, then the run's page with every step on the timeline.
    await page.goto(`${url}/#/runs`);
    await page.waitForSelector('[data-testid="runs-table"] [data-run-id]');
    await page.click('[data-testid="runs-table"] [data-run-id] a');
    await page.waitForSelector('[data-testid="step-timeline"] [data-step-key]');
    const steps = await page.$$eval('[data-step-key]', (els) => els.map((e) => [e.getAttribute('data-step-key'), e.getAttribute('data-step-status')]));
    // The five assets' steps and the two asset checks' steps.
    expect(steps.map(([key]) => key)).toEqual(expect.arrayContaining(['sales/raw_orders', 'sales/clean_orders', 'sales/clean_orders:check:row_count', 'reports/sales_report']));
    expect(steps).toHaveLength(7);
    expect(steps.every(([, status]) => status === 'succeeded')).toBe(true);
  });

  test('after a backfill of the partitioned example, its asset page shows the partition bar and the backfill page its matrix', async () => {
    const env = project('partitioned');
    const backfill = await runStratum(['backfill', 'start', '*', '--from', '2024-01-01', '--to', '2024-01-14', '--json', '--defs', partitionedDefs], env);
    expect(backfill.code).toBe(0);
    const { backfillId } = JSON.parse(backfill.stdout) as { backfillId: string };
    const url = await startUi(partitionedDefs, env, processes);

    await page.goto(url);
    await waitForNodes(page, (n) => n === 3);
    expect(await page.locator('[data-asset-key="web/page_views"] .partition-bar').count()).toBe(1);

    await page.goto(`${url}/#/assets/${encodeURIComponent('web/page_views')}`);
    await page.waitForSelector('[data-testid="partition-health"] .partition-bar');
    expect(await page.getAttribute('[data-testid="partition-health"] .partition-bar', 'data-partitions')).toBe('366');
    expect(await page.textContent('[data-testid="partition-health"]')).toContain('14 materialized, 0 failed, 352 missing of 366');
    const ranges = await page.$$eval('[data-testid="partition-health"] .partition-bar rect', (els) => els.map((e) => e.getAttribute('data-range-status')));
    expect(ranges).toEqual(['materialized', 'missing']);
    if (screenshots) await page.screenshot({ path: path.join(screenshots, 'ui-asset.png'), fullPage: true });

    await page.goto(`${url}/#/backfills/${encodeURIComponent(backfillId)}`);
    await page.waitForSelector('[data-testid="backfill-progress"]');
    expect(await page.textContent('[data-testid="backfill-progress"]')).toMatch(/42 of 42 .* done, 0 failed/);
    expect(await page.locator('[data-testid="backfill-matrix"] [data-cell-status="succeeded"]').count()).toBe(42);
    if (screenshots) await page.screenshot({ path: path.join(screenshots, 'ui-backfill.png') });

    await page.goto(`${url}/#/backfills`);
    await page.waitForSelector(`[data-backfill-id="${backfillId}"]`);
  });

  test("a re-execution started from a failed run's page runs only the failed and skipped steps", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stratum-ui-reexecute-'));
    const env = { ...project('reexecute'), REEXECUTE_DIR: dir };
    writeFileSync(path.join(dir, 'fail'), '');
    const failed = await runStratum(['materialize', 'rx/first*', '--defs', reexecuteDefs], env);
    expect(failed.code).not.toBe(0);
    rmSync(path.join(dir, 'fail'));
    const url = await startUi(reexecuteDefs, env, processes, ['--allow-actions']);

    await page.goto(`${url}/#/runs`);
    await page.waitForSelector('[data-testid="runs-table"] [data-run-id]');
    await page.click('[data-testid="runs-table"] [data-run-id] a');
    await page.waitForSelector('[data-step-key="rx/last"][data-step-status="skipped"]');
    expect(await page.getAttribute('[data-step-key="rx/middle"]', 'data-step-status')).toBe('failed');
    const original = page.url();
    await page.click('[data-testid="reexecute-from-failure"]');
    await waitFor(async () => page.url() !== original);
    await page.waitForSelector('[data-testid="run-page"] h1[data-run-status="succeeded"]', { timeout: 60_000 });
    const steps = await page.$$eval('[data-step-key]', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-step-key'), e.getAttribute('data-step-status')])));
    expect(steps['rx/middle']).toBe('succeeded');
    expect(steps['rx/last']).toBe('succeeded');
    // rx/first ran once, in the failed run: the re-execution read its stored output.
    expect(readFileSync(path.join(dir, 'calls'), 'utf8').trim().split('\n')).toEqual(['first', 'middle', 'middle', 'last']);
  });

  test('renders a generated definitions module of 2,000 assets', async () => {
    const url = await startUi(manyDefs, project('many'), processes);
    await page.goto(url);
    await waitForNodes(page, (n) => n > 0);
    expect(await nodes(page).count()).toBe(2000);
    expect(await page.locator('[data-group]').count()).toBe(20);
    expect(new Set(Object.values(await statuses(page)))).toEqual(new Set(['missing']));
  });
});

/**
 * The web UI over a workspace, in headless Chromium: `stratum dev` with two locations, one reading
 * the other's asset. Assets, runs, schedules and sensors name their location, the locations page
 * shows each location's worker, and the UI follows a code reload of one location.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { scheduleIdOf } from '../../sdk/automation/schedules/schedule';
import { sensorWorkflowId } from '../../sdk/protocol/sensor-contract';
import { exited, runStratum, startStratum } from '../harness/cli-process';
import { testTemporalAddress, uniqueTaskQueue } from '../harness/test-env';
import { waitFor } from '../harness/wait';

const suffix = Math.random().toString(36).slice(2, 7);
const up = `uiup-${suffix}`;
const down = `uidown-${suffix}`;
const sensorName = `ui_orders_${suffix}`;
const scheduleName = `ui_daily_${suffix}`;

const upSource = `import { asset, Definitions, schedule } from 'stratum';
const orders = asset({ key: 'wsui/orders', group: 'raw' }, () => [1, 2, 3]);
export default new Definitions({ assets: [orders], schedules: [schedule({ name: '${scheduleName}', cron: '0 6 * * *', selection: 'wsui/orders' })] });
`;
const downSource = (extra: boolean) => `import { asset, assetSensor, Definitions, sourceAsset } from 'stratum';
const orders = sourceAsset<number[]>({ key: 'wsui/orders', location: '${up}' });
const report = asset({ key: 'wsui/report', group: 'marts', ins: { orders } }, ({ orders }) => orders.length);
${extra ? "const extra = asset({ key: 'wsui/extra', group: 'marts', ins: { report } }, ({ report }) => report * 2);\n" : ''}export default new Definitions({
  assets: [orders, report${extra ? ', extra' : ''}],
  sensors: [assetSensor({ name: '${sensorName}', assets: [orders], selection: 'wsui/report', defaultStatus: 'running' })],
});
`;

const nodes = (page: Page) => page.locator('[data-testid="asset-graph"] [data-asset-key]');
const nodeLocations = (page: Page) =>
  page.$$eval('[data-testid="asset-graph"] [data-asset-key]', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-asset-key'), e.getAttribute('data-location')])));

describe('the web UI over a workspace (stratum dev, headless Chromium)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stratum-ui-workspace-'));
  const profile = mkdtempSync(path.join(tmpdir(), 'stratum-ui-ws-chromium-'));
  const env = {
    TEMPORAL_ADDRESS: testTemporalAddress(),
    STRATUM_TASK_QUEUE: uniqueTaskQueue('ui-ws'),
    STRATUM_CATALOG: path.join(dir, 'catalog.db'),
    STRATUM_STORAGE_DIR: path.join(dir, 'storage'),
  };
  const ws = path.join(dir, 'stratum.workspace.json');
  let context: BrowserContext;
  let page: Page;
  let dev: ChildProcess | null = null;
  const output: string[] = [];
  const seen = (text: string) => () => {
    if (dev?.exitCode !== null) throw new Error(`stratum dev exited (${dev?.exitCode}):\n${output.join('')}`);
    return output.join('').includes(text);
  };

  beforeAll(async () => {
    writeFileSync(path.join(dir, 'up.ts'), upSource);
    writeFileSync(path.join(dir, 'down.ts'), downSource(false));
    writeFileSync(ws, JSON.stringify({ locations: [{ name: up, defs: 'up.ts' }, { name: down, defs: 'down.ts' }] }));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1400, height: 860 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await context?.close();
    if (dev) {
      dev.kill('SIGINT');
      await exited(dev);
    }
    const connection = await Connection.connect({ address: testTemporalAddress() });
    const client = new Client({ connection });
    await client.schedule.getHandle(scheduleIdOf(scheduleName, up)).delete().catch(() => undefined);
    await client.workflow.getHandle(sensorWorkflowId(sensorName, down)).terminate('test done').catch(() => undefined);
    await connection.close();
    rmSync(profile, { recursive: true, force: true });
  });

  test('assets, runs, schedules and sensors name their location; the locations page shows each worker; the UI follows a reload', async () => {
    dev = startStratum(['dev', '--workspace', ws, '--ui-port', '0'], env, { output, cwd: dir });
    await waitFor(seen(`location ${up}: Worker polling task queue`), 120_000);
    await waitFor(seen(`location ${down}: Worker polling task queue`), 60_000);
    await waitFor(seen(`location ${down}: Deployed sensor ${sensorName}`), 30_000);
    const url = /Stratum UI: (http:\/\/127\.0\.0\.1:\d+)/.exec(output.join(''))![1]!;

    // Materializing up's asset: down's asset sensor (another location, another worker process) runs down's report.
    const materialized = await runStratum(['materialize', '*', '--workspace', ws, '--location', up], env, { cwd: dir });
    expect(materialized.code).toBe(0);

    // The graph: both locations' assets, each with its location, in per-location group boxes.
    await page.goto(url);
    await waitFor(async () => (await nodes(page).count()) === 2, 60_000, 200);
    expect(await nodeLocations(page)).toEqual({ 'wsui/orders': up, 'wsui/report': down });
    expect((await page.locator('[data-group]').evaluateAll((els) => els.map((e) => e.getAttribute('data-group')))).sort()).toEqual([`${down} / marts`, `${up} / raw`]);
    // Filtered to one location: its assets (and the source asset it reads).
    await page.selectOption('select[name="location"]', down);
    await waitFor(async () => JSON.stringify(await nodeLocations(page)) === JSON.stringify({ 'wsui/orders': down, 'wsui/report': down }), 30_000, 200);
    await page.selectOption('select[name="location"]', up);
    await waitFor(async () => (await nodes(page).count()) === 1, 30_000, 200);
    expect(await nodeLocations(page)).toEqual({ 'wsui/orders': up });

    // The asset page names its location, and the downstream asset of the other location.
    await page.goto(`${url}/#/assets/${encodeURIComponent('wsui/orders')}`);
    await page.waitForSelector('[data-testid="asset-location"]');
    expect(await page.getAttribute('[data-testid="asset-location"]', 'data-location')).toBe(up);
    expect(await page.getAttribute('[data-testid="asset-page"] a[href="#/assets/wsui%2Freport"]', 'data-location')).toBe(down);

    // The sensor's run of down's report, on the runs page and on its own page, names down.
    await page.goto(`${url}/#/runs`);
    await page.waitForSelector(`[data-testid="runs-table"] [data-run-location="${down}"]`, { timeout: 60_000 });
    expect(await page.locator(`[data-testid="runs-table"] [data-run-location="${up}"]`).count()).toBeGreaterThanOrEqual(1);
    await page.click(`[data-testid="runs-table"] tr:has([data-run-location="${down}"]) a`);
    await page.waitForSelector('[data-testid="run-location"]');
    expect(await page.getAttribute('[data-testid="run-location"]', 'data-location')).toBe(down);

    // Schedules and sensors per location.
    await page.goto(`${url}/#/schedules`);
    await page.waitForSelector(`section[data-location="${up}"] [data-schedule="${scheduleName}"]`);
    await page.goto(`${url}/#/sensors`);
    await page.waitForSelector(`section[data-location="${down}"] [data-sensor="${sensorName}"]`);

    // The locations page, as `stratum locations list`.
    await page.goto(`${url}/#/locations`);
    await page.waitForSelector(`[data-testid="locations-table"] [data-location="${down}"][data-worker="running"]`);
    const rows = await page.$$eval('[data-testid="locations-table"] [data-location]', (els) => els.map((e) => [e.getAttribute('data-location'), e.getAttribute('data-worker'), e.getAttribute('data-load-error')]));
    expect(rows).toEqual([
      [up, 'running', 'no'],
      [down, 'running', 'no'],
    ]);
    expect(await page.textContent(`[data-testid="locations-table"] [data-location="${down}"]`)).toContain('down.ts');

    // A code change in down: its worker reloads, and the UI shows the new asset without a restart.
    writeFileSync(path.join(dir, 'down.ts'), downSource(true));
    await waitFor(seen(`location ${down}: Reloaded definitions`), 60_000);
    await page.goto(url);
    await waitFor(async () => (await nodes(page).count()) === 3, 30_000, 200);
    expect((await nodeLocations(page))['wsui/extra']).toBe(down);

    // A broken save: the locations page shows the load error; the last good definitions stay shown.
    writeFileSync(path.join(dir, 'down.ts'), "import { Definitions } from 'stratum';\nthrow new Error('down is broken');\nexport default new Definitions({});\n");
    await waitFor(seen(`location ${down}: Kept the previous worker running`), 60_000);
    await page.goto(`${url}/#/locations`);
    await page.waitForSelector(`[data-testid="locations-table"] [data-location="${down}"][data-load-error="yes"]`);
    expect(await page.textContent(`[data-testid="locations-table"] [data-location="${down}"]`)).toContain('down is broken');
  });
});

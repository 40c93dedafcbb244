/**
 * Workspaces: several code locations in one deployment, each with its own task queue, worker and
 * deploy scope, seeing each other's assets through the shared catalog (Dagster's workspace of
 * code locations). Real dev server, real `stratum` processes.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection, Client, ScheduleNotFoundError } from '@temporalio/client';
import { scheduleIdOf } from '../../sdk/automation/schedules/schedule';
import { sensorWorkflowId } from '../../sdk/protocol/sensor-contract';
import { exited, runStratum, startStratum } from '../harness/cli-process';
import { testTemporalAddress, uniqueTaskQueue } from '../harness/test-env';
import { waitFor } from '../harness/wait';

const root = path.resolve(__dirname, '..', '..');
const suffix = Math.random().toString(36).slice(2, 7);
/** Location names unique to this run: schedule and sensor ids are global to the namespace. */
const names = { etl: `etl-${suffix}`, web: `web-${suffix}`, up: `up-${suffix}`, down: `down-${suffix}`, good: `good-${suffix}`, broken: `broken-${suffix}` };

describe('workspaces', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stratum-workspaces-'));
  const queue = uniqueTaskQueue('ws');
  const env = {
    TEMPORAL_ADDRESS: testTemporalAddress(),
    STRATUM_TASK_QUEUE: queue,
    STRATUM_CATALOG: path.join(dir, 'catalog.db'),
    STRATUM_STORAGE_DIR: path.join(dir, 'storage'),
    SALES_REPORT_DIR: path.join(dir, 'reports'),
  };
  const workspaceFile = (file: string, locations: { name: string; defs: string }[]) => {
    const full = path.join(dir, file);
    writeFileSync(full, JSON.stringify({ locations }, null, 2));
    return full;
  };
  const module = (file: string, source: string) => {
    writeFileSync(path.join(dir, file), source);
    return file;
  };
  let connection: Connection;
  let client: Client;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    connection = await Connection.connect({ address: testTemporalAddress() });
    client = new Client({ connection });
  });
  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await Promise.all(workers.map(exited));
    for (const id of [scheduleIdOf('web_daily', names.web), scheduleIdOf('daily_sales_etl', names.etl)]) await client.schedule.getHandle(id).delete().catch(() => undefined);
    await client.workflow.getHandle(sensorWorkflowId('sales_refresh', names.etl)).terminate('test done').catch(() => undefined);
    await connection.close();
  });

  test('both examples in one workspace: deploying one location never touches the other', async () => {
    const ws = workspaceFile('examples.workspace.json', [
      { name: names.etl, defs: path.join(root, 'examples', 'etl', 'defs.ts') },
      { name: names.web, defs: path.join(root, 'examples', 'partitioned', 'defs.ts') },
    ]);
    const web = await runStratum(['deploy', '--workspace', ws, '--location', names.web, '--json'], env);
    expect(web.stderr).toBe('');
    expect(web.code).toBe(0);
    expect(JSON.parse(web.stdout)).toEqual([expect.objectContaining({ kind: 'schedule', name: 'web_daily', action: 'created', location: names.web })]);

    const etl = await runStratum(['deploy', '--workspace', ws, '--location', names.etl, '--json'], env);
    expect(etl.code).toBe(0);
    const etlActions = JSON.parse(etl.stdout) as { name: string; action: string }[];
    expect(etlActions).toContainEqual(expect.objectContaining({ name: 'daily_sales_etl', action: 'created' }));
    expect(etlActions.map((a) => a.action)).not.toContain('deleted');

    // Each location's schedule is there, with the location in its id and on its own task queue.
    const webSchedule = await client.schedule.getHandle(scheduleIdOf('web_daily', names.web)).describe();
    expect(webSchedule.scheduleId).toBe(`stratum@${names.web}/schedule/web_daily`);
    expect(webSchedule.action.type === 'startWorkflow' && webSchedule.action.taskQueue).toBe(`${queue}-${names.web}`);
    const etlSchedule = await client.schedule.getHandle(scheduleIdOf('daily_sales_etl', names.etl)).describe();
    expect(etlSchedule.action.type === 'startWorkflow' && etlSchedule.action.taskQueue).toBe(`${queue}-${names.etl}`);
    // The default location's id is another one: the implicit location keeps `stratum/schedule/<name>`.
    await expect(client.schedule.getHandle(scheduleIdOf('web_daily')).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);

    // Deploying the whole workspace again changes nothing in either location.
    const again = await runStratum(['deploy', '--workspace', ws, '--json'], env);
    expect(again.code).toBe(0);
    const actions = JSON.parse(again.stdout) as { name: string; action: string; location: string }[];
    expect(actions.filter((a) => a.action !== 'unchanged')).toEqual([]);
    expect(new Set(actions.map((a) => a.location))).toEqual(new Set([names.etl, names.web]));
  });

  test('the same asset key in two locations is refused, naming both locations and groups', async () => {
    const a = module('same-a.ts', "import { asset, Definitions } from 'stratum';\nexport default new Definitions({ assets: [asset({ key: 'shared/orders', group: 'billing' }, () => 1)] });\n");
    const b = module('same-b.ts', "import { asset, Definitions } from 'stratum';\nexport default new Definitions({ assets: [asset({ key: 'shared/orders', group: 'shipping' }, () => 2)] });\n");
    const ws = workspaceFile('same.workspace.json', [{ name: 'billing', defs: a }, { name: 'shipping', defs: b }]);
    const deploy = await runStratum(['deploy', '--workspace', ws], env);
    expect(deploy.code).not.toBe(0);
    expect(deploy.stderr).toContain('"shared/orders" in location billing (group billing) and location shipping (group shipping)');
    expect(deploy.stderr).toContain('sourceAsset');
    const list = await runStratum(['locations', 'list', '--workspace', ws, '--json'], env);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).conflict).toContain('shared/orders');
  });

  test("one location's broken module does not break the others", async () => {
    const good = module('good.ts', "import { asset, Definitions } from 'stratum';\nexport default new Definitions({ assets: [asset({ key: 'good/value' }, () => 42)] });\n");
    const broken = module('broken.ts', "import { Definitions } from 'stratum';\nthrow new Error('warehouse credentials missing');\nexport default new Definitions({ assets: [] });\n");
    const ws = workspaceFile('broken.workspace.json', [{ name: names.good, defs: good }, { name: names.broken, defs: broken }]);
    const list = await runStratum(['locations', 'list', '--workspace', ws, '--json'], env);
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout).locations as { name: string; assets: number | null; loadError: string | null; taskQueue: string }[];
    expect(rows.find((r) => r.name === names.good)).toMatchObject({ assets: 1, loadError: null, taskQueue: `${queue}-${names.good}` });
    expect(rows.find((r) => r.name === names.broken)).toMatchObject({ assets: null, loadError: expect.stringContaining('warehouse credentials missing') });
    const text = await runStratum(['locations', 'list', '--workspace', ws], env);
    expect(text.stdout).toMatch(new RegExp(`${names.broken}\\s+\\S*broken\\.ts\\s+\\S+\\s+-\\s+no worker\\s+.*warehouse credentials missing`));

    const run = await runStratum(['materialize', '*', '--workspace', ws, '--location', names.good, '--json'], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).status).toBe('succeeded');
    const assets = await runStratum(['assets', 'list', '--workspace', ws], env);
    expect(assets.stdout).toContain(`Location ${names.good}`);
    expect(assets.stdout).toContain('good/value');
    expect(assets.stdout).toMatch(/load error: .*warehouse credentials missing/);
  });

  test('a run per location on its own task queue; a cross-location dependency goes stale when its location materializes again', async () => {
    const up = module('up.ts', "import { asset, Definitions } from 'stratum';\nlet n = 0;\nexport default new Definitions({ assets: [asset({ key: 'ws/upstream', group: 'raw' }, () => ({ n: ++n, at: Date.now() }))] });\n");
    const down = module(
      'down.ts',
      `import { asset, Definitions, sourceAsset } from 'stratum';
const upstream = sourceAsset<{ n: number; at: number }>({ key: 'ws/upstream', location: '${names.up}' });
export default new Definitions({ assets: [upstream, asset({ key: 'ws/downstream', group: 'marts', ins: { upstream } }, ({ upstream }) => upstream.at)] });
`,
    );
    const ws = workspaceFile('cross.workspace.json', [{ name: names.up, defs: up }, { name: names.down, defs: down }]);
    // One worker process per location, each on the location's own task queue.
    for (const name of [names.up, names.down]) {
      const output: string[] = [];
      const worker = startStratum(['worker', '--workspace', ws, '--location', name, '--no-start-server'], env, { output });
      workers.push(worker);
      await waitFor(() => {
        if (worker.exitCode !== null) throw new Error(`worker of ${name} exited:\n${output.join('')}`);
        return output.join('').includes(`polling task queue "${queue}-${name}"`);
      }, 60_000);
    }

    const first = await runStratum(['materialize', '*', '--workspace', ws, '--location', names.up, '--json'], env);
    expect(first.code).toBe(0);
    const upRun = JSON.parse(first.stdout);
    expect(upRun.workflowId).toMatch(new RegExp(`^stratum@${names.up}/run/`));
    const downRunOut = await runStratum(['materialize', '*', '--workspace', ws, '--location', names.down, '--json'], env);
    expect(downRunOut.code).toBe(0);
    const downRun = JSON.parse(downRunOut.stdout);
    // The other location's asset is read, never executed here; selecting it alone is refused, naming its location.
    expect(downRun.steps.map((s: { key: string }) => s.key)).toEqual(['ws/downstream']);
    expect(downRun.status).toBe('succeeded');
    const refused = await runStratum(['materialize', 'ws/upstream', '--workspace', ws, '--location', names.down], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`materialized by another location (${names.up})`);

    // Each run ran on its location's task queue, found by the StratumLocation search attribute.
    for (const [name, run] of [[names.up, upRun], [names.down, downRun]] as const) {
      const found = [];
      for await (const w of client.workflow.list({ query: `StratumLocation = '${name}'` })) found.push(w);
      expect(found.map((w) => w.workflowId)).toContain(run.workflowId);
      expect(found.find((w) => w.workflowId === run.workflowId)!.taskQueue).toBe(`${queue}-${name}`);
    }

    const status = async () => {
      const list = await runStratum(['assets', 'list', '--workspace', ws, '--location', names.down, '--json'], env);
      expect(list.code).toBe(0);
      return Object.fromEntries((JSON.parse(list.stdout) as { key: string; status: string }[]).map((r) => [r.key, r.status]));
    };
    expect(await status()).toEqual({ 'ws/upstream': 'fresh', 'ws/downstream': 'fresh' });
    expect((await runStratum(['materialize', '*', '--workspace', ws, '--location', names.up], env)).code).toBe(0);
    expect((await status())['ws/downstream']).toBe('stale');

    const all = await runStratum(['locations', 'list', '--workspace', ws, '--json'], env);
    const rows = JSON.parse(all.stdout).locations as { name: string; worker: string }[];
    expect(rows.map((r) => [r.name, r.worker])).toEqual([[names.up, 'running'], [names.down, 'running']]);
  });

  test('stratum dev runs both examples of examples/workspace together: one worker per location, each deployed', async () => {
    // A user's shell: no configured server, so `stratum dev` starts its own (free port) under its own STRATUM_HOME.
    const home = path.join(dir, 'dev-home');
    const userEnv: NodeJS.ProcessEnv = { ...process.env, TEMPORAL_ADDRESS: '', STRATUM_HOME: home, SALES_REPORT_DIR: path.join(dir, 'dev-reports') };
    for (const key of ['STRATUM_CATALOG', 'STRATUM_CATALOG_URL', 'STRATUM_STORAGE_DIR', 'STRATUM_TASK_QUEUE', 'TEMPORAL_PROFILE']) delete userEnv[key];
    const output: string[] = [];
    const dev = startStratum(['dev', '--workspace', path.join(root, 'examples', 'workspace', 'stratum.workspace.json'), '--port', '0'], userEnv, { output, cwd: dir });
    workers.push(dev);
    const seen = (text: string) => () => {
      if (dev.exitCode !== null) throw new Error(`stratum dev exited (${dev.exitCode}):\n${output.join('')}`);
      return output.join('').includes(text);
    };
    try {
      await waitFor(seen('location etl: Worker polling task queue "stratum-etl"'), 120_000);
      await waitFor(seen('location partitioned: Worker polling task queue "stratum-partitioned"'), 60_000);
      await waitFor(seen('location partitioned: Deployed schedule web_daily: created'), 30_000);
      await waitFor(seen('location etl: Deployed schedule daily_sales_etl: created'), 30_000);
      const list = await runStratum(['locations', 'list', '--workspace', path.join(root, 'examples', 'workspace', 'stratum.workspace.json'), '--json'], userEnv, { cwd: dir });
      expect((JSON.parse(list.stdout).locations as { name: string; worker: string }[]).map((r) => [r.name, r.worker])).toEqual([['etl', 'running'], ['partitioned', 'running']]);
    } finally {
      dev.kill('SIGINT');
      await exited(dev);
    }
    expect(output.join('')).toContain('Workers stopped.');
    expect(output.join('')).toContain('Stopped the local Temporal dev server.');
  });
});

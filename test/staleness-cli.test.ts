import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runStratum } from './harness/cli-process';
import { testTemporalAddress, uniqueTaskQueue } from './harness/test-env';

const root = path.resolve(__dirname, '..');
const defsFile = path.join(root, 'test', 'fixtures', 'staleness-defs.ts');

/** Asset keys a `materialize --json` run materialized. */
const materialized = (stdout: string): string[] => JSON.parse(stdout).steps.flatMap((s: any) => s.materializations.map((m: any) => m.assetKey));

describe('stratum materialize --stale-only, assets status and assets lineage', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stratum-staleness-cli-'));
  const sourceFile = path.join(dir, 'orders.csv');
  const env = {
    TEMPORAL_ADDRESS: testTemporalAddress(),
    STRATUM_TASK_QUEUE: uniqueTaskQueue('staleness-cli'),
    STRATUM_CATALOG: path.join(dir, 'catalog.db'),
    STRATUM_STORAGE_DIR: path.join(dir, 'storage'),
    STRATUM_DEFS: defsFile,
    STRATUM_TEST_SOURCE_FILE: sourceFile,
  };
  const run = (args: string[], extra: Record<string, string> = {}) => runStratum([...args, '--defs', defsFile], { ...env, ...extra });
  const status = async (extra: Record<string, string> = {}) => {
    const result = await run(['assets', 'status', '--json'], extra);
    expect(result.code).toBe(0);
    return Object.fromEntries(JSON.parse(result.stdout).map((v: any) => [v.assetKey, v]));
  };

  beforeAll(() => writeFileSync(sourceFile, 'a,1\nb,2\n'));

  test('the first --stale-only run observes the source and runs everything missing; the second has nothing to do', async () => {
    const first = await run(['materialize', '*', '--stale-only', '--json']);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('Observing 1 source asset first: raw/file');
    expect(first.stderr).toContain('Running orders: missing');
    expect(materialized(first.stdout).sort()).toEqual(['extra', 'orders', 'report']);

    const second = await run(['materialize', '*', '--stale-only']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Nothing to do: all 3 selected assets are fresh.');
    expect(second.stderr).toContain('Skipping report: fresh');
    expect(second.stderr).not.toContain('Started run');

    const statuses = await status();
    expect(Object.fromEntries(Object.values(statuses).map((v: any) => [v.assetKey, v.status]))).toEqual({ 'raw/file': 'fresh', orders: 'fresh', extra: 'fresh', report: 'fresh' });
    expect(statuses['raw/file'].label).toBe('observed');
  });

  test('a new code version: status says why, and --stale-only runs exactly the stale assets', async () => {
    const v2 = { STRATUM_TEST_ORDERS_VERSION: 'v2' };
    const statuses = await status(v2);
    expect(statuses['orders'].status).toBe('stale');
    expect(statuses['orders'].partitions[0].causes[0].message).toBe('code version changed (v1 -> v2)');
    expect(statuses['report'].partitions[0].causes[0]).toMatchObject({ kind: 'upstream-stale', assetKey: 'orders' });
    expect(statuses['extra'].status).toBe('fresh');

    const text = await run(['assets', 'status', 'orders+'], v2);
    expect(text.stdout).toMatch(/^orders\s+-\s+stale\s+.*code version changed \(v1 -> v2\)/m);

    const rerun = await run(['materialize', '*', '--stale-only', '--json'], v2);
    expect(rerun.code).toBe(0);
    expect(materialized(rerun.stdout)).toEqual(['orders', 'report']);
    expect(rerun.stderr).toContain('Skipping extra: fresh');
    expect((await run(['materialize', '*', '--stale-only'], v2)).stdout).toContain('Nothing to do');
  });

  test('a changed source file is observed and makes its downstream stale; a new dependency is named', async () => {
    const v2 = { STRATUM_TEST_ORDERS_VERSION: 'v2' };
    writeFileSync(sourceFile, 'a,1\nb,2\nc,3\n');
    const observe = await run(['observe', 'raw/file', '--json'], v2);
    expect(observe.code).toBe(0);
    expect(JSON.parse(observe.stdout).observations).toEqual([expect.objectContaining({ assetKey: 'raw/file', dataVersion: 'a,1\nb,2\nc,3', metadata: { path: sourceFile } })]);
    const orders = (await status(v2))['orders'];
    expect(orders.partitions[0].causes[0]).toMatchObject({ kind: 'upstream-data-version', assetKey: 'raw/file', recorded: 'a,1\nb,2', current: 'a,1\nb,2\nc,3' });

    const show = await run(['assets', 'show', 'orders'], v2);
    expect(show.stdout).toContain('status     stale (upstream raw/file has a newer data version');

    const rerun = await run(['materialize', '*', '--stale-only', '--json'], v2);
    expect(rerun.code).toBe(0);
    expect(materialized(rerun.stdout)).toEqual(['orders', 'report']);

    const withExtra = { ...v2, STRATUM_TEST_REPORT_EXTRA: '1' };
    const report = (await status(withExtra))['report'];
    expect(report.partitions[0].causes).toEqual([expect.objectContaining({ kind: 'dependencies', added: ['extra'], removed: [], message: 'dependencies changed (added extra)' })]);
    const list = await run(['assets', 'list'], withExtra);
    expect(list.stdout).toMatch(/^report\s.*stale \(dependencies changed \(added extra\)\)$/m);
  });

  test('assets lineage prints the graph with statuses as text, JSON, DOT and Mermaid', async () => {
    const v2 = { STRATUM_TEST_ORDERS_VERSION: 'v2' };
    const text = await run(['assets', 'lineage', 'orders'], v2);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n').slice(0, 3)).toEqual(['orders  fresh', '├─ <- raw/file  observed', '└─ -> report  fresh']);

    const json = JSON.parse((await run(['assets', 'lineage', 'report', '--upstream', '--depth', '1', '--format', 'json'], v2)).stdout);
    expect(json.nodes.map((n: any) => [n.assetKey, n.depth, n.status])).toEqual([
      ['report', 0, 'fresh'],
      ['orders', -1, 'fresh'],
    ]);
    expect(json.edges).toEqual([{ from: 'orders', to: 'report' }]);

    const dot = (await run(['assets', 'lineage', 'raw/file', '--downstream', '--format', 'dot'], v2)).stdout;
    expect(dot).toContain('digraph lineage {');
    expect(dot).toContain('"raw/file" -> "orders";');
    expect(dot).toContain('"orders" -> "report";');
    const mermaid = (await run(['assets', 'lineage', 'report', '--format', 'mermaid'], v2)).stdout;
    expect(mermaid.startsWith('flowchart LR')).toBe(true);
    expect(mermaid).toContain('-->');

    const unknown = await run(['assets', 'lineage', 'reprt']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('did you mean "report"');
    const both = await run(['assets', 'lineage', 'report', '--upstream', '--downstream']);
    expect(both.code).toBe(2);
  });
});

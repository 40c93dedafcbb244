import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testTemporalAddress, uniqueTaskQueue } from './harness/test-env';
import { runStratum } from './harness/cli-process';

const root = path.resolve(__dirname, '..');
const exampleDefs = path.join(root, 'examples', 'etl', 'defs.ts');

describe('the stratum CLI', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stratum-cli-'));
  const env = {
    TEMPORAL_ADDRESS: testTemporalAddress(),
    STRATUM_TASK_QUEUE: uniqueTaskQueue('cli'),
    STRATUM_CATALOG: path.join(dir, 'catalog.db'),
    STRATUM_STORAGE_DIR: path.join(dir, 'storage'),
    SALES_REPORT_DIR: path.join(dir, 'reports'),
  };

  test('materialize runs the example end to end and prints every asset', async () => {
    const { code, stdout, stderr } = await runStratum(['materialize', '*', '--defs', exampleDefs, '--json'], env);
    expect(stderr).toContain('running one in this process');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.status).toBe('succeeded');
    const assets = result.steps.flatMap((s: any) => s.materializations.map((m: any) => m.assetKey)).sort();
    expect(assets).toEqual(['reports/sales_report', 'sales/clean_orders', 'sales/daily_revenue', 'sales/product_sales', 'sales/raw_orders']);
    const clean = result.steps.find((s: any) => s.key === 'sales/clean_orders').materializations[0];
    expect(clean.metadata).toEqual({ rows: 57, dropped: 4 });
    expect(readFileSync(path.join(dir, 'reports', 'sales-report.md'), 'utf8')).toContain('# Sales report');
  });

  test('text output lists each materialized asset; assets show reads the history', async () => {
    const run = await runStratum(['materialize', 'sales/raw_orders+', '--defs', exampleDefs], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/sales\/raw_orders\s+-\s+[0-9a-f]{16}/);
    expect(run.stdout).toContain('sales/clean_orders');
    const show = await runStratum(['assets', 'show', 'sales/clean_orders', '--defs', exampleDefs, '--json'], env);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout).history).toHaveLength(2);
    const runs = await runStratum(['runs', 'list', '--defs', exampleDefs, '--json'], env);
    expect(JSON.parse(runs.stdout).map((r: any) => r.status)).toEqual(['succeeded', 'succeeded']);
  });

  test('bad input is refused with a clear message and a non-zero exit, before anything starts', async () => {
    const unknown = await runStratum(['materialize', 'sales/clean_order', '--defs', exampleDefs], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('did you mean "sales/clean_orders"');
    const config = await runStratum(['materialize', 'reports/sales_report', '--defs', exampleDefs, '--config', '{"reports/sales_report": {"topProducts": 0}}'], env);
    expect(config.code).toBe(2);
    expect(config.stderr).toContain('reports/sales_report.topProducts');
    expect(config.stderr).not.toContain('Started run');
  });

  test('job run runs the asset job', async () => {
    const { code, stderr } = await runStratum(['job', 'run', 'sales_etl', '--defs', exampleDefs], env);
    expect(code).toBe(0);
    expect(stderr).toMatch(/Run \S+ succeeded/);
  });
});

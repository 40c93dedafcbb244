import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testTemporalAddress, uniqueTaskQueue } from './harness/test-env';
import { runStratum } from './harness/cli-process';

const root = path.resolve(__dirname, '..');
const defsFile = path.join(root, 'test', 'fixtures', 'partitioned-defs.ts');

describe('stratum partitions and --partition on the command line', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stratum-partitions-cli-'));
  const env = {
    TEMPORAL_ADDRESS: testTemporalAddress(),
    STRATUM_TASK_QUEUE: uniqueTaskQueue('partitions-cli'),
    STRATUM_CATALOG: path.join(dir, 'catalog.db'),
    STRATUM_STORAGE_DIR: path.join(dir, 'storage'),
    STRATUM_DEFS: defsFile,
  };
  const run = (...args: string[]) => runStratum([...args, '--defs', defsFile], env);

  test('materialize --partition runs one partition; a key outside the definition exits 2 naming the valid range', async () => {
    const ok = await run('materialize', 'cli/events', '--partition', '2024-01-01', '--json');
    expect(ok.code).toBe(0);
    const result = JSON.parse(ok.stdout);
    expect(result.status).toBe('succeeded');
    expect(result.steps[0].materializations.map((m: any) => m.partitionKey)).toEqual(['2024-01-01']);

    const failed = await run('materialize', 'cli/events', '--partition', '2024-01-02');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('the source file for 2024-01-02 is missing');

    const outside = await run('materialize', 'cli/events', '--partition', '2024-01-09');
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('"2024-01-09" is not a partition of');
    expect(outside.stderr).toContain('valid keys run from 2024-01-01 to 2024-01-03');
    expect(outside.stderr).not.toContain('Started run');

    const none = await run('materialize', 'cli/events');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--partition KEY');
  });

  test('partitions list ASSET shows every partition with its status and the counts', async () => {
    const json = await run('partitions', 'list', 'cli/events', '--json');
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.stdout);
    expect(listed.asset).toBe('cli/events');
    expect(listed.counts).toEqual({ total: 3, materialized: 1, failed: 1, missing: 1 });
    expect(listed.partitions.map((p: any) => [p.key, p.status])).toEqual([
      ['2024-01-01', 'materialized'],
      ['2024-01-02', 'failed'],
      ['2024-01-03', 'missing'],
    ]);
    expect(listed.partitions[1].error).toContain('the source file for 2024-01-02 is missing');
    expect(listed.partitions[0].runId).toEqual(expect.any(String));

    const missing = await run('partitions', 'list', 'cli/events', '--status', 'missing', '--json');
    expect(JSON.parse(missing.stdout).partitions.map((p: any) => p.key)).toEqual(['2024-01-03']);

    const text = await run('partitions', 'list', 'cli/events', '--status', 'failed');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^PARTITION\s+STATUS/m);
    expect(text.stdout).toMatch(/2024-01-02\s+failed/);
    expect(text.stdout).not.toMatch(/^2024-01-0[13]\s/m);
    expect(text.stdout).toContain('3 partitions of cli/events');
    expect(text.stdout).toContain('1 materialized, 1 failed, 1 missing');

    const badStatus = await run('partitions', 'list', 'cli/events', '--status', 'done');
    expect(badStatus.code).not.toBe(0);
    expect(badStatus.stderr).toContain('materialized, failed, missing');
  });

  test('assets show prints the partition summary line', async () => {
    const show = await run('assets', 'show', 'cli/events');
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('1 materialized, 1 failed, 1 missing of 3');
  });

  test('partitions add / list / remove round trip for a dynamic partitions name', async () => {
    const before = await run('materialize', 'cli/customer_orders', '--partition', 'acme');
    expect(before.code).toBe(2);
    expect(before.stderr).toContain('stratum partitions add customers acme');

    const add = await run('partitions', 'add', 'customers', 'acme', 'globex');
    expect(add.code).toBe(0);
    expect(add.stdout.trim()).toBe('Added 2 keys to dynamic partitions "customers": acme, globex');
    const again = await run('partitions', 'add', 'customers', 'globex', '--json');
    expect(JSON.parse(again.stdout)).toEqual({ name: 'customers', added: [], alreadyPresent: ['globex'], assetKeys: ['cli/customer_orders'] });

    const list = await run('partitions', 'list', 'customers');
    expect(list.code).toBe(0);
    expect(list.stdout).toBe('acme\nglobex\n');
    expect(list.stderr).toContain('2 keys in dynamic partitions "customers"');
    expect(JSON.parse((await run('partitions', 'list', 'customers', '--json')).stdout)).toEqual({ name: 'customers', assets: ['cli/customer_orders'], keys: ['acme', 'globex'] });

    const materialized = await run('materialize', 'cli/customer_orders', '--partition', 'acme');
    expect(materialized.code).toBe(0);
    const statuses = JSON.parse((await run('partitions', 'list', 'cli/customer_orders', '--json')).stdout);
    expect(statuses.partitions.map((p: any) => [p.key, p.status])).toEqual([
      ['acme', 'materialized'],
      ['globex', 'missing'],
    ]);

    const remove = await run('partitions', 'remove', 'customers', 'globex', 'nobody');
    expect(remove.code).toBe(0);
    expect(remove.stdout.trim()).toBe('Removed 1 key from dynamic partitions "customers": globex');
    expect(remove.stderr).toContain('Not found (unchanged): nobody');
    expect((await run('partitions', 'list', 'customers')).stdout).toBe('acme\n');
  });

  test('partitions add refuses unknown names and invalid keys, and list refuses unknown targets', async () => {
    const unknown = await run('partitions', 'add', 'customer', 'initech');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Did you mean "customers"');
    expect(unknown.stderr).toContain('Known dynamic partitions names: customers');

    for (const bad of ['a|b', '2024-01-01...2024-01-02', '']) {
      const refused = await run('partitions', 'add', 'customers', 'fine', bad);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('Invalid partition key for dynamic partitions "customers"');
    }
    expect((await run('partitions', 'list', 'customers')).stdout).toBe('acme\n');

    const target = await run('partitions', 'list', 'cli/event');
    expect(target.code).toBe(2);
    expect(target.stderr).toContain('neither an asset key nor a dynamic partitions name');
    expect(target.stderr).toContain('Did you mean "cli/events"');

    const status = await run('partitions', 'list', 'customers', '--status', 'missing');
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('cli/customer_orders');
  });
});

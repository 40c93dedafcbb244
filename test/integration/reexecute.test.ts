/**
 * Re-executing a run from its failure on the real dev server: only the failed and skipped steps
 * run again, reading the stored outputs of the steps that succeeded (an asset's value through
 * its IO manager; an op's output from the original run), through `StratumClient.reexecuteRun`
 * and `stratum runs reexecute`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import path from 'node:path';
import type { Definitions } from 'stratum';
import { ReexecutionRefusedError, ReexecutionTags, RunFailedError } from 'stratum/client';
import { runStratum } from '../harness/cli-process';
import { startTestStratum, type TestStratum } from '../harness/stratum-test-worker';
import { testTemporalAddress, uniqueTaskQueue } from '../harness/test-env';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-reexecute-'));
process.env.REEXECUTE_DIR = dir;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const definitions = (require('../fixtures/reexecute-defs') as { default: Definitions }).default;
const fixture = path.resolve(__dirname, '..', 'fixtures', 'reexecute-defs.ts');

const calls = (): string[] => (fs.existsSync(`${dir}/calls`) ? fs.readFileSync(`${dir}/calls`, 'utf8').trim().split('\n').filter(Boolean) : []);
const reset = (fail: boolean) => {
  fs.rmSync(`${dir}/calls`, { force: true });
  if (fail) fs.writeFileSync(`${dir}/fail`, '');
  else fs.rmSync(`${dir}/fail`, { force: true });
};

let t: TestStratum;
beforeAll(async () => {
  t = await startTestStratum(definitions, { prefix: 'reexecute' });
});
afterAll(async () => {
  await t?.stop();
});

async function failedRun(request: Parameters<TestStratum['stratum']['start']>[0]) {
  reset(true);
  const run = await t.stratum.start(request);
  const error = await run.result().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RunFailedError);
  return run;
}

test('an asset chain re-executed from failure runs only the failed and skipped steps and reads the stored value', async () => {
  const original = await failedRun({ selection: 'rx/first*' });
  expect(calls()).toEqual(['first', 'middle']);
  reset(false);

  const retry = await t.stratum.reexecuteRun(original.plan.runId.slice(0, 8), { fromFailure: true });
  const result = await retry.result();
  expect(result.status).toBe('succeeded');
  expect(calls()).toEqual(['middle', 'last']);
  expect(result.steps.map((s) => s.key)).toEqual(['rx/middle', 'rx/last']);
  expect(retry.plan.tags).toMatchObject({
    [ReexecutionTags.parentRun]: original.plan.runId,
    [ReexecutionTags.reexecutionOf]: original.plan.runId,
    [ReexecutionTags.rootRun]: original.plan.runId,
  });
  // middle read first's stored 41.
  expect(fs.readFileSync(path.join(dir, 'storage', 'assets', 'rx', 'last', '__all__.json'), 'utf8')).toContain('answer 42');
  const recorded = await t.stratum.getRun(retry.plan.runId);
  expect(recorded?.tags[ReexecutionTags.parentRun]).toBe(original.plan.runId);

  // A run that succeeded has nothing to re-execute from failure; the whole plan runs again.
  await expect(t.stratum.reexecuteRun(retry.plan.runId, { fromFailure: true })).rejects.toBeInstanceOf(ReexecutionRefusedError);
  reset(false);
  const again = await t.stratum.reexecuteRun(retry.plan.runId);
  expect((await again.result()).status).toBe('succeeded');
  expect(calls()).toEqual(['middle', 'last']);
  expect(again.plan.tags[ReexecutionTags.rootRun]).toBe(original.plan.runId);
}, 90_000);

test('a run in local mode re-executed from failure runs only the failed step and its downstream step', async () => {
  const original = await failedRun({ selection: 'rx/first*', executionMode: 'local' });
  expect(calls()).toEqual(['first', 'middle']);
  expect(original.plan.steps.map((s) => s.execution)).toEqual(['local', 'local', 'local']);
  reset(false);
  // Its steps' results are local activity markers in history, not completed activities.
  const retry = await t.stratum.reexecuteRun(original.plan.runId, { fromFailure: true });
  const result = await retry.result();
  expect(result.status).toBe('succeeded');
  expect(calls()).toEqual(['middle', 'last']);
  expect(retry.plan.steps.map((s) => [s.key, s.execution])).toEqual([
    ['rx/middle', 'local'],
    ['rx/last', 'local'],
  ]);
  expect(fs.readFileSync(path.join(dir, 'storage', 'assets', 'rx', 'last', '__all__.json'), 'utf8')).toContain('answer 42');
}, 90_000);

test('a job re-executed from failure reads the original run\'s op output', async () => {
  const original = await failedRun({ job: 'rx_etl' });
  expect(calls()).toEqual(['extract', 'transform']);
  reset(false);
  const retry = await t.stratum.reexecuteRun(original.plan.runId, { fromFailure: true });
  expect((await retry.result()).status).toBe('succeeded');
  expect(calls()).toEqual(['transform', 'load']);
  // transform read the extract output stored under the original run (the only one there is).
  const stored = (fs.readdirSync(path.join(dir, 'storage', 'runs', original.plan.runId), { recursive: true }) as string[]).filter((f) => f.includes('extract') && f.endsWith('.json'));
  expect(stored).toHaveLength(1);
  const extracted = JSON.parse(fs.readFileSync(path.join(dir, 'storage', 'runs', original.plan.runId, stored[0]!), 'utf8')) as { rows: number };
  expect(fs.readFileSync(`${dir}/loaded`, 'utf8')).toBe(String(extracted.rows));
}, 90_000);

test('stratum runs reexecute --from-failure prints the new run and exits 0', async () => {
  const home = path.join(dir, 'cli-home');
  const env = { TEMPORAL_ADDRESS: testTemporalAddress(), STRATUM_HOME: home, STRATUM_TASK_QUEUE: uniqueTaskQueue('reexecute-cli'), REEXECUTE_DIR: dir };
  reset(true);
  const first = await runStratum(['materialize', 'rx/first*', '--defs', fixture], env);
  expect(first.code).toBe(1);
  const runId = /Started run (\S+)/.exec(first.stderr)?.[1];
  expect(runId).toBeDefined();
  reset(false);
  const { code, stdout, stderr } = await runStratum(['runs', 'reexecute', runId!, '--from-failure', '--defs', fixture], env);
  expect({ code, stderr }).toMatchObject({ code: 0 });
  expect(stderr).toMatch(new RegExp(`Re-executing run ${runId} from its failure: new run (\\S+)`));
  expect(stderr).toMatch(/succeeded in .*: 2 succeeded, 0 failed, 0 skipped/);
  expect(stdout).toMatch(/rx\/last/);
  expect(calls()).toEqual(['middle', 'last']);
  const newRunId = /new run (\S+)/.exec(stderr)![1]!;
  const shown = await runStratum(['runs', 'show', newRunId.slice(0, 8)], env);
  expect(shown.code).toBe(0);
  expect(shown.stdout).toContain(`  trigger    re-execution from failure of ${runId}`);
  expect(shown.stdout).toContain(`stratum/parent_run=${runId}`);
  expect(shown.stdout).toContain(`stratum/root_run=${runId}`);
}, 120_000);

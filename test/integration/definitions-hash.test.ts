/**
 * The definitions hash in the plan: a worker whose definitions differ from the ones a run was
 * planned from (same steps, another code version) runs it but says so, in its log and on the
 * run's catalog record; a plan with a step the worker does not have is refused.
 */
import { StratumClient } from '../../client/stratum-client';
import { DEFINITIONS_MISMATCH_TAG } from '../../activities/run-activities';
import { asset, Definitions } from '../../sdk';
import { startTestStratum, type TestStratum } from '../harness/stratum-test-worker';

function defsWith(codeVersion: string, extraStep = false): Definitions {
  const a = asset({ key: 'hash/a', codeVersion }, () => 1);
  return new Definitions({ assets: extraStep ? [a, asset({ key: 'hash/b', codeVersion: 'b1' }, () => 2)] : [a] });
}

describe('definitions hash', () => {
  let env: TestStratum;
  beforeAll(async () => {
    env = await startTestStratum(defsWith('v1'), { prefix: 'defs-hash' });
  });
  afterAll(async () => {
    await env?.stop();
  });

  test('plans carry a hash of their steps and code versions: equal for equal definitions, different after a code-version bump', () => {
    const plan = (defs: Definitions) => new StratumClient(env.client, defs, { taskQueue: env.taskQueue, catalog: env.catalog }).plan({ selection: '*' });
    return Promise.all([plan(defsWith('v1')), plan(defsWith('v1')), plan(defsWith('v2'))]).then(([a, b, c]) => {
      expect(a.definitionsHash).toMatch(/^[0-9a-f]{16}$/);
      expect(b.definitionsHash).toBe(a.definitionsHash);
      expect(c.definitionsHash).not.toBe(a.definitionsHash);
    });
  });

  test('same definitions: the run records no mismatch', async () => {
    const run = await env.stratum.start({ selection: '*' });
    expect((await run.result()).status).toBe('succeeded');
    expect((await env.catalog.getRun(run.plan.runId))!.tags[DEFINITIONS_MISMATCH_TAG]).toBeUndefined();
  });

  test("a run planned from newer code runs on the worker's code and its record says so", async () => {
    const newer = new StratumClient(env.client, defsWith('v2'), { taskQueue: env.taskQueue, catalog: env.catalog });
    const run = await newer.start({ selection: '*' });
    expect((await run.result()).status).toBe('succeeded');
    const warning = (await env.catalog.getRun(run.plan.runId))!.tags[DEFINITIONS_MISMATCH_TAG];
    expect(warning).toContain('planned from other definitions than this worker');
    expect(warning).toContain('hash/a@v1');
    expect((await env.catalog.latestMaterialization('hash/a'))!.codeVersion).toBe('v1');
  });

  test('a run with a step the worker does not have is refused, naming the step', async () => {
    const bigger = new StratumClient(env.client, defsWith('v1', true), { taskQueue: env.taskQueue, catalog: env.catalog });
    const run = await bigger.start({ selection: '*' });
    await expect(run.result()).rejects.toThrow(/does not know step "hash\/b"/);
  });
});

/**
 * Over-long names against the real dev server (issue 10, item 4): a name Temporal cannot hold is
 * refused when definitions load or when a request is planned, naming the limit; a start the
 * server refuses shows the server's reason; a step whose activity type the server will not
 * schedule fails its run instead of hanging it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import path from 'node:path';
import { asset, Definitions, dynamicPartitions, validateDefinitions } from 'stratum';
import { InvalidDynamicPartitionKeyError, RequestOverLimitError, RunFailedError, StartRefusedError } from 'stratum/client';
import { NameOverLimitError } from '../../sdk/errors';
import type { StepSpec } from '../../sdk/definitions/step-spec';
import type { Plan } from '../../sdk/protocol/plan';
import { createWorker } from '../../worker/create-worker';
import longDefs from '../fixtures/long-names-defs';
import { runStratum } from '../harness/cli-process';
import { startTestStratum, type TestStratum } from '../harness/stratum-test-worker';
import { testTemporalAddress } from '../harness/test-env';

const longDefsPath = path.resolve(__dirname, '..', 'fixtures', 'long-names-defs.ts');
const LONG = 'p'.repeat(10_000);

const customers = dynamicPartitions({ name: `long_names_customers_${process.pid}` });
const report = asset({ key: 'long_names/report', partitions: customers }, (_, ctx) => `report for ${ctx.partitionKey}`);
const plain = asset({ key: 'long_names/plain', retry: { maximumAttempts: 1 } }, () => 1);
const definitions = new Definitions({ assets: [report, plain] });

let t: TestStratum;

beforeAll(async () => {
  t = await startTestStratum(definitions, { prefix: 'long-names' });
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

describe('a 10,000-character asset key', () => {
  test('is refused when the definitions load, naming the limit', async () => {
    expect(() => validateDefinitions(longDefs)).toThrow(NameOverLimitError);
    expect(() => validateDefinitions(longDefs)).toThrow(/10,005 bytes.*activity type.*1,000 bytes \(limit\.maxIDLength\)/s);
    // A worker refuses them before it polls.
    await expect(createWorker(longDefs, { connection: t.nativeConnection, taskQueue: `${t.taskQueue}-long`, catalog: t.catalog })).rejects.toThrow(NameOverLimitError);
  });

  test('is refused by the CLI before anything starts', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-long-names-'));
    const { code, stderr } = await runStratum(['materialize', '*', '--defs', longDefsPath], { TEMPORAL_ADDRESS: testTemporalAddress(), STRATUM_HOME: home }, { cwd: home });
    expect(code).toBe(2);
    expect(stderr).toMatch(/too long for Temporal/);
    expect(stderr).toMatch(/limit\.maxIDLength/);
    expect(stderr).not.toMatch(/Started run/);
    expect(fs.existsSync(path.join(home, 'catalog.db'))).toBe(false);
  }, 60_000);
});

describe('a 10,000-character partition key', () => {
  test('is refused when it is planned, naming the limit, and nothing starts', async () => {
    const before = await t.client.workflow.count(`TaskQueue = '${t.taskQueue}'`);
    const refusal = t.stratum.start({ selection: 'long_names/report', partitionKey: LONG });
    await expect(refusal).rejects.toThrow(RequestOverLimitError);
    await expect(refusal).rejects.toThrow(/partition key "ppp.*\(10,000 bytes\) is longer than 400 bytes.*limit\.maxIDLength/s);
    expect((await t.client.workflow.count(`TaskQueue = '${t.taskQueue}'`)).count).toBe(before.count);
  });

  test('cannot be added to dynamic partitions', async () => {
    await expect(t.stratum.addDynamicPartitions(customers.name, [LONG])).rejects.toThrow(InvalidDynamicPartitionKeyError);
    await expect(t.stratum.addDynamicPartitions(customers.name, [LONG])).rejects.toThrow(/longer than 400 bytes/);
  });
});

describe('the server', () => {
  test("refusing a start shows the server's reason", async () => {
    await t.stratum.addDynamicPartitions(customers.name, ['acme']);
    const plan = await t.stratum.plan({ selection: 'long_names/report', partitionKey: 'acme' });
    // Bypass the planner's checks: the server sees the 3,000-byte partition key in StratumPartition.
    const unchecked: Plan = { ...plan, partitionKey: 'p'.repeat(3_000) };
    const start = t.stratum.startPlan(unchecked);
    await expect(start).rejects.toThrow(StartRefusedError);
    await expect(start).rejects.toThrow(/Temporal refused to start run .*search attribute StratumPartition\w* value size 3002 exceeds size limit 2048 \(INVALID_ARGUMENT\)/s);
  });

  test('never gets an activity type over its limit: the step fails and the run ends', async () => {
    const plan = await t.stratum.plan({ selection: 'long_names/plain' });
    const tooLong = `long_names/${'s'.repeat(1_200)}`;
    // A worker whose definitions were never checked (an older Stratum, or one built around
    // validateDefinitions) knows the step, so only the workflow's guard stands between the run
    // and a workflow task the server fails forever.
    (definitions.steps as Map<string, StepSpec>).set(tooLong, { ...definitions.steps.get('long_names/plain')!, key: tooLong });
    const unchecked: Plan = { ...plan, steps: plan.steps.map((s) => ({ ...s, key: tooLong })) };
    const run = await t.stratum.startPlan(unchecked);
    const outcome = await run.result().then(
      () => null,
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(RunFailedError);
    const step = (outcome as RunFailedError).result!.steps[0]!;
    expect(step.status).toBe('failed');
    expect(step.error).toMatch(/StepNotSchedulable: .*1,211 bytes, over Temporal's limit of 1,000 bytes \(limit\.maxIDLength\)/s);
  }, 60_000);
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { RunFailedError, type RunResult } from '../../client';
import { asset, Definitions, filesystemIOManager } from '../../sdk';
import { startTestStratum, type TestStratum } from '../harness/stratum-test-worker';

// How many times each asset's function ran, to tell one attempt from retries.
const calls = new Map<string, number>();
const count = (key: string) => calls.set(key, (calls.get(key) ?? 0) + 1);
const retry = { maximumAttempts: 3, initialInterval: '100ms' as const };

const shared = asset({ key: 'shared/value' }, (_, ctx) => ({ runId: ctx.runId, rows: Array.from({ length: 2_000 }, (_, i) => `${ctx.runId}-${i}`) }));

const forgotReturn = asset({ key: 'bad/forgot_return', retry }, () => {
  count('bad/forgot_return');
});
const notANumber = asset({ key: 'bad/not_a_number', retry }, () => {
  count('bad/not_a_number');
  return { rows: [{ price: 1 }, { price: 0 / 0 }] };
});
const cyclic = asset({ key: 'bad/cyclic', retry }, () => {
  count('bad/cyclic');
  const node: Record<string, unknown> = { name: 'root' };
  node.self = node;
  return node;
});
const nothing = asset({ key: 'ok/nothing', output: z.undefined() }, () => undefined);
const nullValue = asset({ key: 'ok/null' }, () => null);
const readsNothing = asset({ key: 'ok/reads_nothing', ins: { nothing } }, ({ nothing }) => ({ sawUndefined: nothing === undefined }));

const storage = filesystemIOManager({ baseDir: mkdtempSync(path.join(tmpdir(), 'stratum-stored-values-')) });

let t: TestStratum;
beforeAll(async () => {
  const defs = new Definitions({
    assets: [shared, forgotReturn, notANumber, cyclic, nothing, nullValue, readsNothing],
    ioManagers: { default: storage },
  });
  t = await startTestStratum(defs, { prefix: 'stored-values' });
});
afterAll(async () => {
  await t?.stop();
});

async function failedStep(selection: string) {
  const error = await t.stratum.materialize({ selection }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RunFailedError);
  const result = (error as RunFailedError).result as RunResult;
  // A failed step's `attempts` in the run result is its policy's maximum; the catalog's step log has one error line per real attempt.
  const attempts = new Set((await t.catalog.runLogs(result.runId)).filter((l) => l.stepKey === selection && l.level === 'error').map((l) => l.attempt));
  return { step: result.steps[0]!, attempts: attempts.size, rows: (await t.catalog.materializationHistory(selection)).filter((m) => m.runId === result.runId) };
}

describe('stored values on a real Temporal dev server', () => {
  test('concurrent runs of one asset all succeed at their first attempt, and one run\'s value is stored whole', async () => {
    const handles = await Promise.all(Array.from({ length: 20 }, () => t.stratum.start({ selection: 'shared/value' })));
    const results = await Promise.all(handles.map((h) => h.result()));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 'succeeded'));
    expect(results.map((r) => r.steps[0]!.attempts)).toEqual(results.map(() => 1));
    const value = (await storage.load({ assetKey: 'shared/value', stepKey: 'shared/value', outputName: 'result', partitionKey: null, runId: 'any' })) as { runId: string; rows: string[] };
    expect(results.map((r) => r.runId)).toContain(value.runId);
    expect(value.rows).toHaveLength(2_000);
    expect(value.rows.every((row, i) => row === `${value.runId}-${i}`)).toBe(true);
  });

  test('an asset returning undefined fails once, naming the asset, and records nothing', async () => {
    const { step, attempts, rows } = await failedStep('bad/forgot_return');
    expect(attempts).toBe(1);
    expect(calls.get('bad/forgot_return')).toBe(1);
    expect(step.error).toMatch(/OutputValidationError/);
    expect(step.error).toMatch(/returned undefined for asset "bad\/forgot_return"/);
    expect(rows).toHaveLength(0);
  });

  test('a NaN inside the value fails once, naming the asset and the path of the NaN', async () => {
    const { step, attempts, rows } = await failedStep('bad/not_a_number');
    expect(attempts).toBe(1);
    expect(calls.get('bad/not_a_number')).toBe(1);
    expect(step.error).toMatch(/asset "bad\/not_a_number"/);
    expect(step.error).toMatch(/rows\[1\]\.price is NaN/);
    expect(rows).toHaveLength(0);
  });

  test('a cyclic value fails once (not retried), naming the asset', async () => {
    const { step, attempts, rows } = await failedStep('bad/cyclic');
    expect(attempts).toBe(1);
    expect(calls.get('bad/cyclic')).toBe(1);
    expect(step.error).toMatch(/asset "bad\/cyclic"/);
    expect(step.error).toMatch(/cycle/);
    expect(rows).toHaveLength(0);
  });

  test('undefined allowed by the output schema is stored as undefined, with its own data version', async () => {
    const result = await t.stratum.materialize({ selection: 'ok/nothing+,ok/null' });
    expect(result.status).toBe('succeeded');
    const version = (key: string) => result.steps.find((s) => s.key === key)!.materializations[0]!.dataVersion;
    expect(version('ok/nothing')).not.toBe(version('ok/null'));
    const [latest] = await t.catalog.materializationHistory('ok/reads_nothing');
    expect(latest!.runId).toBe(result.runId);
    expect(await storage.load({ assetKey: 'ok/reads_nothing', stepKey: 'ok/reads_nothing', outputName: 'result', partitionKey: null, runId: result.runId })).toEqual({ sawUndefined: true });
  });
});

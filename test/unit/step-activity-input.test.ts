import type { PlanStep, StepActivityInput } from '../../sdk/protocol/plan';
import { readStepActivityInput, stepActivityInput } from '../../sdk/protocol/step-activity-input';

const unpartitioned: PlanStep = {
  key: 'shop/orders',
  kind: 'asset',
  assetKeys: ['shop/orders'],
  dependsOn: ['shop/customers'],
  config: undefined,
  partitionKey: null,
  partitionRange: null,
  retry: { maximumAttempts: 3, initialIntervalMs: 1_000, backoffCoefficient: 2, maximumIntervalMs: 60_000, nonRetryableErrorTypes: ['NonRetryableError'] },
  timeoutMs: 3_600_000,
  heartbeatTimeoutMs: 30_000,
  summary: 'asset shop/orders',
};

describe('step activity input', () => {
  test('carries the run and the step key only when the step has no config, partition or range', () => {
    const input = stepActivityInput('run-1', unpartitioned);
    expect(input).toEqual({ runId: 'run-1', step: { key: 'shop/orders' } });
    expect(readStepActivityInput(input)).toEqual({ runId: 'run-1', step: { key: 'shop/orders', config: undefined, partitionKey: null, partitionRange: null } });
  });

  test('carries what the function reads: config, partition, range, check, outputs of earlier runs', () => {
    const step: PlanStep = {
      ...unpartitioned,
      config: { limit: 5 },
      partitionKey: '2024-03-01',
      checkOf: { assetKey: 'shop/orders', name: 'non_empty', severity: 'error', blocking: true },
      outputsFromRuns: { 'shop/customers': 'run-0' },
    };
    const read = readStepActivityInput(JSON.parse(JSON.stringify(stepActivityInput('run-1', step))) as StepActivityInput);
    expect(read.step).toEqual({ key: step.key, config: { limit: 5 }, partitionKey: '2024-03-01', partitionRange: null, checkOf: step.checkOf, outputsFromRuns: step.outputsFromRuns });
    const ranged = readStepActivityInput(stepActivityInput('run-1', { ...unpartitioned, partitionRange: { from: '2024-03-01', to: '2024-03-31' } }));
    expect(ranged.step.partitionRange).toEqual({ from: '2024-03-01', to: '2024-03-31' });
  });

  test('an input written by an older version (whole step, workflow and backfill ids) reads the same', () => {
    const { retry: _retry, timeoutMs: _timeoutMs, dependsOn: _dependsOn, summary: _summary, ...olderStep } = { ...unpartitioned, partitionKey: '2024-03-01' };
    const older: StepActivityInput = { runId: 'run-1', workflowId: 'stratum/run/shop/run-1', step: olderStep, backfillId: null };
    expect(readStepActivityInput(older)).toEqual(readStepActivityInput(stepActivityInput('run-1', { ...unpartitioned, partitionKey: '2024-03-01' })));
  });
});

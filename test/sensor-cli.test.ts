/**
 * `stratum sensor list|start|stop|status|trigger` as a user runs them, against the shared dev
 * server and a `stratum worker` process.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exited, runStratum, startWorkerProcess } from './harness/cli-process';
import { testTemporalAddress, uniqueTaskQueue } from './harness/test-env';

const defsFile = path.join(__dirname, 'fixtures', 'sensor-defs.ts');

describe('stratum sensor', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stratum-sensor-cli-'));
  const env = {
    TEMPORAL_ADDRESS: testTemporalAddress(),
    TEMPORAL_NAMESPACE: 'default',
    STRATUM_TASK_QUEUE: uniqueTaskQueue('sensor-cli'),
    STRATUM_CATALOG: path.join(dir, 'catalog.db'),
    STRATUM_STORAGE_DIR: path.join(dir, 'storage'),
  };
  const run = (...args: string[]) => runStratum([...args, '--defs', defsFile], env);
  let worker: ChildProcess | undefined;
  const output: string[] = [];

  afterAll(async () => {
    await run('sensor', 'stop', 'st_cli_files');
    if (worker && worker.exitCode === null) {
      worker.kill('SIGTERM');
      await exited(worker);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('trigger refuses bad JSON and payloads failing the schema (exit 2), sending nothing', async () => {
    const badJson = await run('sensor', 'trigger', 'st_cli_files', '--payload', '{path:');
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toContain('--payload is not JSON');
    const badPayload = await run('sensor', 'trigger', 'st_cli_files', '--payload', '{"path":"","size":"big"}');
    expect(badPayload.code).toBe(2);
    expect(badPayload.stderr).toContain('does not fit its triggerSchema');
    expect(badPayload.stderr).toMatch(/size: /);
    const unknown = await run('sensor', 'trigger', 'st_cli_file', '--payload', '{}');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('did you mean "st_cli_files"');
  });

  test('start, trigger (prints the outcome), status, list, stop', async () => {
    worker = startWorkerProcess(defsFile, env, { output });
    const start = await run('sensor', 'start', 'st_cli_files');
    expect(start.code).toBe(0);
    expect(start.stderr).toContain('Started sensor st_cli_files');

    const first = await run('sensor', 'trigger', 'st_cli_files', '--payload', '{"path":"in/a.csv","size":3}', '--trigger-id', 'cli-1');
    expect({ code: first.code, stdout: first.stdout, output: first.code === 0 ? '' : output.join('') }).toMatchObject({ code: 0, stdout: expect.stringContaining('requested 1 run: stratum/run/sensorcli/imported/') });
    const again = await run('sensor', 'trigger', 'st_cli_files', '--payload', '{"path":"in/a.csv","size":3}');
    expect(again.stdout).toContain('skipped: run key already used: "in/a.csv"');

    const status = await run('sensor', 'status', 'st_cli_files', '--json');
    expect(status.code).toBe(0);
    const state = JSON.parse(status.stdout);
    expect(state).toMatchObject({ name: 'st_cli_files', status: 'running', counters: { evaluations: 2, duplicates: 1 } });
    expect(state.evaluations[0]).toMatchObject({ triggerId: 'cli-1', outcome: 'requested' });

    const list = await run('sensor', 'list', '--json');
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ name: 'st_cli_files', kind: 'sensor', status: 'running', defaultStatus: 'stopped' })]);

    const stop = await run('sensor', 'stop', 'st_cli_files');
    expect(stop.stderr).toContain('stop requested');
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { installQuietRuntime } from '../harness/stratum-test-worker';
import { testWorkflowBundlePath } from '../harness/test-env';

const dir = path.join(__dirname, 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

// Sensors and backfills live long: a deployed change to workflow code must replay the histories
// of executions started before it. A failure here means the change needs patching (workflow.patched).
describe('recorded workflow histories replay with the current workflow code', () => {
  beforeAll(installQuietRuntime);

  test('there are recorded histories', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  test.each(files)('%s', async (file) => {
    const history: unknown = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: testWorkflowBundlePath() } }, history, file)).resolves.toBeUndefined();
  });
});

/**
 * How the CLI reports errors and what it leaves behind (issue 10, item 9), run as a user runs it:
 * `stratum` spawned in a fresh project folder against the shared dev server.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import path from 'node:path';
import { runStratum } from './harness/cli-process';
import { testTemporalAddress, uniqueTaskQueue } from './harness/test-env';

const fixtures = path.resolve(__dirname, 'fixtures');
const defs = path.join(fixtures, 'cli-errors-defs.ts');

/** A new project folder with its own `.stratum` (STRATUM_HOME) and task queue. */
function project() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-cli-errors-'));
  const home = path.join(dir, '.stratum');
  const env = { TEMPORAL_ADDRESS: testTemporalAddress(), STRATUM_HOME: home, STRATUM_TASK_QUEUE: uniqueTaskQueue('cli-errors') };
  const run = (args: string[]) => runStratum(args, env, { cwd: dir });
  return { dir, home, catalogFile: path.join(home, 'catalog.db'), run };
}

test('a definitions module that throws while it loads is named, with the error and where it was thrown', async () => {
  const p = project();
  const { code, stderr } = await p.run(['assets', 'list', '--defs', path.join(fixtures, 'throwing-defs.ts')]);
  expect(code).toBe(2);
  expect(stderr).toMatch(/Loading the definitions module \S*throwing-defs\.ts failed: TypeError: Cannot read properties of undefined \(reading 'url'\) \(at \S*throwing-defs\.ts:\d+:\d+\)/);
}, 60_000);

test('a refused request creates no catalog', async () => {
  const p = project();
  const { code, stderr } = await p.run(['materialize', 'errs/nope', '--defs', defs]);
  expect(code).toBe(2);
  expect(stderr).toMatch(/Unknown selection: "errs\/nope"/);
  expect(fs.existsSync(p.catalogFile)).toBe(false);
}, 60_000);

test('backfill start with a reversed range is refused before a worker starts (nothing is left in .stratum)', async () => {
  const p = project();
  const { code, stderr } = await p.run(['backfill', 'start', 'errs/daily', '--from', '2024-01-10', '--to', '2024-01-05', '--defs', defs]);
  expect(code).toBe(2);
  expect(stderr).toMatch(/runs backwards.*Swap the ends: 2024-01-05\.\.\.2024-01-10/);
  // A worker started in the process would leave its state (catalog, workflow bundle cache) in .stratum.
  expect(fs.existsSync(p.catalogFile)).toBe(false);
  expect(fs.existsSync(p.home) ? fs.readdirSync(p.home, { recursive: true }) : []).toEqual([]);
}, 60_000);

test('a failed step is printed once, with its cause', async () => {
  const p = project();
  const { code, stderr } = await p.run(['materialize', 'errs/broken+', '--defs', defs]);
  expect(code).toBe(1);
  expect(stderr.split('the orders export is empty').length - 1).toBe(1);
  expect(stderr).toMatch(/✗ errs\/broken {2}failed: .*the orders export is empty \(cause: HTTP 503 from the orders API\)/);
  expect(stderr).toMatch(/- errs\/after_broken {2}skipped/);
  expect(stderr).not.toContain(path.resolve(__dirname, '..'));
}, 90_000);

test('runs list and runs show read the catalog without --defs', async () => {
  const p = project();
  expect((await p.run(['runs', 'list'])).stdout).toMatch(/No runs yet/);
  expect(fs.existsSync(p.catalogFile)).toBe(false);
  const materialized = await p.run(['materialize', 'errs/daily', '--partition', '2024-01-03', '--defs', defs, '--json']);
  expect(materialized.code).toBe(0);
  const { runId } = JSON.parse(materialized.stdout) as { runId: string };
  // No defs.ts in the project folder: neither command needs one.
  const list = await p.run(['runs', 'list', '--json']);
  expect(list.code).toBe(0);
  expect((JSON.parse(list.stdout) as { runId: string }[]).map((r) => r.runId)).toEqual([runId]);
  const show = await p.run(['runs', 'show', runId]);
  expect(show.code).toBe(0);
  expect(show.stdout).toMatch(new RegExp(`Run ${runId} {2}succeeded`));
  expect(show.stdout).toMatch(/errs\/daily +2024-01-03/);
}, 90_000);

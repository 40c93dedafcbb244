/**
 * `stratum setup` against the real dev server (issue 13, item 1): it creates a missing
 * namespace and registers Stratum's search attributes, idempotently; a run in a namespace
 * without them is refused with the server's reason and a pointer to `stratum setup`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { searchAttributeDeclarations } from '../../sdk/protocol/search-attributes';
import { runStratum } from '../harness/cli-process';
import { testTemporalAddress } from '../harness/test-env';

const defsPath = path.resolve(__dirname, '..', '..', 'examples', 'etl', 'defs.ts');
let home: string;

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-setup-'));
});

afterAll(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

const envFor = (namespace: string) => ({ TEMPORAL_ADDRESS: testTemporalAddress(), TEMPORAL_NAMESPACE: namespace, STRATUM_HOME: path.join(home, namespace) });

test('creates the namespace and registers every search attribute once; a second run changes nothing; runs then work there', async () => {
  const namespace = `setup-${process.pid}`;
  const first = await runStratum(['setup', '--json'], envFor(namespace));
  expect(first.code).toBe(0);
  const report = JSON.parse(first.stdout) as { namespaceCreated: boolean; added: string[]; required: string[] };
  expect(report.namespaceCreated).toBe(true);
  expect([...report.added].sort()).toEqual([...searchAttributeDeclarations].sort());

  const second = await runStratum(['setup'], envFor(namespace));
  expect(second.code).toBe(0);
  expect(second.stderr).toContain(`Namespace ${namespace} exists`);
  expect(second.stderr).toContain(`All ${searchAttributeDeclarations.length} search attributes Stratum needs are registered.`);

  const run = await runStratum(['materialize', 'sales/raw_orders', '--defs', defsPath], envFor(namespace));
  expect(run.stderr).toContain('succeeded');
  expect(run.code).toBe(0);
});

test('a run in a namespace without the attributes is refused with the missing attribute named and `stratum setup` suggested', async () => {
  const namespace = `bare-${process.pid}`;
  const connection = await Connection.connect({ address: testTemporalAddress() });
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1d') });
  } finally {
    await connection.close();
  }
  let refused = { code: 0, stdout: '', stderr: '' };
  // The new namespace reaches every service's cache within a few seconds.
  for (let attempt = 0; attempt < 20; attempt++) {
    refused = await runStratum(['materialize', 'sales/raw_orders', '--defs', defsPath], envFor(namespace));
    if (!/namespace .* (not found|is not found)/i.test(refused.stderr)) break;
  }
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toMatch(/search attribute Stratum\w+/i);
  expect(refused.stderr).toContain('stratum setup');
});

import { expectTypeOf } from 'expect-type';
import { z } from 'zod';
import { assetJob, assetSensor, graph, job, op, runRequest, runStatusSensor, schedule, sensor, skip, type RunConfigOf } from '../../sdk';

// Type tests: checked by `tsc --noEmit` (npm run typecheck); jest only runs the runtime asserts.
const extract = op({ name: 'extract', config: z.object({ source: z.string(), limit: z.number().int().default(100) }) }, (_, ctx) => [ctx.config.source]);
const load = op({ name: 'load', ins: { rows: z.array(z.string()) }, config: z.object({ table: z.string() }) }, ({ rows }) => rows.length);
const report = op({ name: 'report', ins: { n: z.number() } }, ({ n }) => n);
/** Returning the last node's output lets the graph's type know every node. */
const etl = graph('etl', (g) => g.add(report, { n: g.add(load, { rows: g.add(extract) }) }));
const etlJob = job({ name: 'etl_job', graph: etl, config: { load: { table: 'orders' } } });
const everything = assetJob({ name: 'everything', selection: '*' });

describe('jobs named by reference type their run config', () => {
  test('run config of an op job is keyed by node name and typed by z.input of each op schema', () => {
    expectTypeOf<RunConfigOf<typeof etlJob>>().toEqualTypeOf<{ extract: { source: string; limit?: number | undefined }; load?: { table?: string | undefined } | undefined }>();
    // Asset jobs (a selection string) and job names stay untyped.
    expectTypeOf<RunConfigOf<typeof everything>>().toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf<RunConfigOf<'etl_job'>>().toEqualTypeOf<Record<string, unknown>>();
  });

  test('job defaults are checked against the ops', () => {
    // @ts-expect-error: table is a string
    job({ name: 'bad_defaults', graph: etl, config: { load: { table: 1 } } });
    // @ts-expect-error: no node of the graph is named "lod"
    job({ name: 'typo', graph: etl, config: { lod: { table: 'x' } } });
    // A graph whose build function returns nothing leaves config untyped.
    const loose = graph('loose', (g) => {
      g.add(extract);
    });
    job({ name: 'loose_job', graph: loose, config: { anything: { goes: true } } });
  });

  test('schedules type config from a job given by reference; names and selections stay untyped', () => {
    const nightly = schedule({ name: 'nightly', job: etlJob, cron: '0 2 * * *', config: { extract: { source: 'db' } } });
    // @ts-expect-error: extract.source is required (the job has no default for it)
    schedule({ name: 'missing', job: etlJob, cron: '0 2 * * *', config: { load: { table: 't' } } });
    // @ts-expect-error: limit is a number
    schedule({ name: 'wrong', job: etlJob, cron: '0 2 * * *', config: { extract: { source: 'db', limit: 'ten' } } });
    // @ts-expect-error: report takes no config
    schedule({ name: 'extra', job: etlJob, cron: '0 2 * * *', config: { extract: { source: 'db' }, report: {} } });
    schedule({ name: 'by_name', job: 'etl_job', cron: '0 2 * * *', config: { extract: { whatever: 1 } } });
    schedule({ name: 'by_selection', selection: '*', cron: '0 2 * * *', config: { orders: { limit: 1 } } });
    expect(nightly.target).toEqual({ job: 'etl_job' });
  });

  test('sensor run requests: the default target types config; runRequest(job) types another job', () => {
    const onFile = sensor({
      name: 'on_file',
      job: etlJob,
      triggerSchema: z.object({ path: z.string() }),
      evaluate: (_ctx, trigger) => {
        if (trigger.kind !== 'payload') return skip('no tick work');
        return [
          { runKey: trigger.payload.path, config: { extract: { source: trigger.payload.path } } },
          runRequest(etlJob, { runKey: `${trigger.payload.path}:again`, config: { extract: { source: 'again' }, load: { table: 'x' } } }),
          { job: everything, runKey: 'all' },
          { job: 'etl_job', config: { anything: true } },
        ];
      },
    });
    sensor({
      name: 'on_file_bad',
      job: etlJob,
      // @ts-expect-error: extract.source must be a string
      evaluate: () => [{ runKey: 'bad', config: { extract: { source: 1 } } }],
    });
    // @ts-expect-error: runRequest types config from the job it names
    runRequest(etlJob, { config: { extract: { sourc: 'x' } } });
    // @ts-expect-error: a job by reference in a literal request takes no config (use runRequest(job, { config }))
    const literal: ReturnType<typeof runRequest> = { job: etlJob, config: { extract: { source: 'x' } } };
    void literal;
    expect(runRequest(etlJob, { runKey: 'k', config: { extract: { source: 's' } } })).toEqual({ runKey: 'k', job: 'etl_job', config: { extract: { source: 's' } } });
    expect(onFile.target).toEqual({ job: 'etl_job' });
  });

  test('asset and run-status sensors type their requests by their job too', () => {
    const orders = { assetKey: 'orders', partitions: null };
    assetSensor({ name: 'on_orders', assets: [orders], job: etlJob, evaluate: () => [{ config: { extract: { source: 'orders' } } }] });
    // @ts-expect-error: extract.source is required
    assetSensor({ name: 'on_orders_bad', assets: [orders], job: etlJob, evaluate: () => [{ config: { extract: {} } }] });
    runStatusSensor({ name: 'retry_etl', status: 'failure', jobs: [etlJob], job: etlJob, fn: () => [{ config: { extract: { source: 'retry' } } }] });
    // @ts-expect-error: limit is a number
    runStatusSensor({ name: 'retry_bad', status: 'failure', job: etlJob, fn: () => [{ config: { extract: { source: 'retry', limit: '1' } } }] });
  });
});

import type { Command } from 'commander';
import { InvalidTriggerPayloadError } from '../../sdk/automation/sensors/sensor-errors';
import type { SensorStateView, SensorTriggerAnswer } from '../../sdk/protocol/sensor-state';
import { openCliContext } from '../cli-context';
import { withCommonOptions, withJsonOption } from '../common-options';
import { formatTime, log, out, printJson, printTable } from '../output';
import { findSensor, payloadSensor, sensorRunState, sensorState, startSensor, stopSensor, triggerSensor } from '../../client/sensor-client';
import { sensorNamed, sensorsOf } from '../../sdk/automation/sensors/code-location-sensors';

/** How long `sensor trigger` waits for the sensor's answer before saying it was sent. */
const ANSWER_TIMEOUT_MS = 30_000;

function parsePayloadOption(sensor: string, text: string | undefined): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidTriggerPayloadError(sensor, [{ path: '', message: `--payload is not JSON (${(error as Error).message}); write it like --payload '{"path":"s3://in/a.csv"}'` }]);
  }
}

function describeAnswer(answer: SensorTriggerAnswer): string {
  switch (answer.outcome) {
    case 'requested':
      return `requested ${answer.runs.length} run${answer.runs.length === 1 ? '' : 's'}: ${answer.runs.map((r) => r.workflowId).join(', ')}${answer.duplicates.length ? ` (${answer.duplicates.length} duplicate run keys skipped)` : ''}`;
    case 'skipped':
      return `skipped: ${answer.skipReason ?? ''}`;
    case 'rejected':
      return `rejected: ${answer.error ?? ''}`;
    case 'failed':
      return `evaluation failed: ${answer.error ?? ''}`;
  }
}

function printState(state: SensorStateView): void {
  const c = state.counters;
  out(`Sensor ${state.name}  ${state.status}`);
  out(`  cursor: ${state.cursor === null ? '-' : state.cursor}`);
  out(`  ${c.evaluations} evaluations, ${c.runsStarted} runs started, ${c.skipped} skipped, ${c.duplicates} duplicate run keys, ${c.rejected} rejected, ${c.failed} failed${c.dropped ? `, ${c.dropped} dropped while stopping` : ''}`);
  out(`  started ${formatTime(state.startedAt)}, ${state.workflowRuns} workflow run${state.workflowRuns === 1 ? '' : 's'}, ${state.queued} queued${state.nextTickAt !== null ? `, next tick ${formatTime(state.nextTickAt)}` : ''}`);
  if (state.evaluations.length === 0) return;
  out('');
  printTable(
    ['AT', 'TRIGGER', 'ID', 'OUTCOME', 'DETAIL'],
    state.evaluations.map((e) => [
      formatTime(e.at),
      e.trigger,
      e.triggerId,
      e.outcome,
      e.outcome === 'requested' ? e.runs.map((r) => `${r.runKey ?? r.runId} (${r.status})`).join(', ') : (e.skipReason ?? e.error ?? ''),
    ]),
  );
}

/** `stratum sensor list|start|stop|status|trigger`. */
export function configureSensorCommand(program: Command): void {
  const sensor = program.command('sensor');

  const list = sensor.command('list').description('List the sensors of the definitions and whether they run').addHelpText('after', '\nExample:\n  $ stratum sensor list --json');
  withJsonOption(withCommonOptions(list)).action(async (options) => {
    const ctx = await openCliContext(options);
    try {
      const rows = [];
      for (const s of sensorsOf(ctx.definitions)) {
        rows.push({
          name: s.name,
          kind: s.kind,
          status: await sensorRunState(ctx.client, s.name, ctx.location.name),
          defaultStatus: s.defaultStatus,
          every: s.every,
          target: s.target === null ? null : 'job' in s.target ? `job ${s.target.job}` : s.target.selection,
          description: s.description,
        });
      }
      if (options.json) return printJson(rows);
      if (rows.length === 0) return out('No sensors in these definitions.');
      printTable(['SENSOR', 'KIND', 'STATUS', 'DEFAULT', 'EVERY', 'TARGET'], rows.map((r) => [r.name, r.kind, r.status, r.defaultStatus, r.every === null ? null : String(r.every), r.target]));
    } finally {
      await ctx.close();
    }
  });

  const start = sensor.command('start').description("Start a sensor's workflow (kept running until stopped)").argument('<name>', 'sensor name').addHelpText('after', '\nExample:\n  $ stratum sensor start new_file');
  withCommonOptions(start).action(async (name: string, options) => {
    const ctx = await openCliContext(options);
    try {
      const definition = findSensor(ctx.definitions, name);
      const { started, workflowId } = await startSensor(ctx.client, definition, { taskQueue: ctx.taskQueue, location: ctx.location.name });
      log(started ? `Started sensor ${name} (workflow ${workflowId}, task queue ${ctx.taskQueue}); workers of that task queue (stratum worker, stratum dev) run it.` : `Sensor ${name} is already running (workflow ${workflowId}).`);
    } finally {
      await ctx.close();
    }
  });

  const stop = sensor.command('stop').description('Stop a sensor after the evaluations it has queued').argument('<name>', 'sensor name').addHelpText('after', '\nExample:\n  $ stratum sensor stop new_file');
  withCommonOptions(stop).action(async (name: string, options) => {
    const ctx = await openCliContext(options);
    try {
      log((await stopSensor(ctx.client, name, ctx.location.name)) ? `Sensor ${name}: stop requested.` : `Sensor ${name} is not running.`);
    } finally {
      await ctx.close();
    }
  });

  const status = sensor.command('status').description("Show a sensor's state: cursor, counters, latest evaluations").argument('<name>', 'sensor name').addHelpText('after', '\nExample:\n  $ stratum sensor status new_file --json');
  withJsonOption(withCommonOptions(status)).action(async (name: string, options) => {
    const ctx = await openCliContext(options);
    try {
      const state = await sensorState(ctx.client, name, ctx.location.name);
      if (!state) {
        if (options.json) return printJson(null);
        return out(`Sensor ${name} was never started${sensorNamed(ctx.definitions, name) ? '' : ' (and is not in these definitions)'}. Start it with: stratum sensor start ${name}`);
      }
      if (options.json) return printJson(state);
      printState(state);
    } finally {
      await ctx.close();
    }
  });

  const trigger = sensor
    .command('trigger')
    .description('Send a payload to a sensor (checked against its triggerSchema first) and print the outcome')
    .argument('<name>', 'sensor name')
    .option('--payload <json>', 'the payload, as JSON (default {})')
    .option('--trigger-id <id>', 'your id for this trigger (shown in the sensor status)')
    .option('--no-wait', 'send a signal and return at once, without waiting for the evaluation')
    .addHelpText('after', `\nExamples:\n  $ stratum sensor trigger new_file --payload '{"path":"s3://in/a.csv","size":10}'\n  $ stratum sensor trigger new_file --payload @payload.json --no-wait`);
  withJsonOption(withCommonOptions(trigger)).action(async (name: string, options) => {
    const ctx = await openCliContext(options);
    try {
      const definition = payloadSensor(ctx.definitions, name);
      const text = typeof options.payload === 'string' && options.payload.startsWith('@') ? (await import('node:fs')).readFileSync(options.payload.slice(1), 'utf8') : options.payload;
      const payload = parsePayloadOption(name, text);
      definition.parsePayload(payload);
      const ids = options.triggerId !== undefined ? { triggerId: options.triggerId as string } : {};
      if (!options.wait) {
        await triggerSensor(ctx.client, definition, payload, { ...ids, location: ctx.location.name });
        if (options.json) return printJson({ sensor: name, sent: true });
        return out(`sent to sensor ${name}`);
      }
      let timer: NodeJS.Timeout | undefined;
      const answer = await Promise.race([
        triggerSensor(ctx.client, definition, payload, { ...ids, location: ctx.location.name, wait: true }),
        new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ANSWER_TIMEOUT_MS))),
      ]).finally(() => clearTimeout(timer));
      if (answer === null) {
        log(`Sent to sensor ${name}; no answer within ${ANSWER_TIMEOUT_MS / 1000} s. Is a worker polling task queue "${ctx.taskQueue}" (stratum worker / stratum dev)?`);
        if (options.json) printJson({ sensor: name, sent: true, answer: null });
        else out('sent');
        return;
      }
      if (options.json) return printJson(answer);
      out(describeAnswer(answer));
      if (answer.outcome === 'failed' || answer.outcome === 'rejected') process.exitCode = 1;
    } finally {
      await ctx.close();
    }
  });
}

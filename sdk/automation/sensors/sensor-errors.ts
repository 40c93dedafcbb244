import { InvalidRequestError } from '../../errors';
import { suggestSimilar } from '../../errors/suggest';

/**
 * A trigger payload that fails the sensor's `triggerSchema`. Refused to the sender before anything
 * is sent (app-code helper, CLI); a raw signal carrying one is counted as rejected and never evaluated.
 */
export class InvalidTriggerPayloadError extends InvalidRequestError {
  readonly code = 'STRATUM_INVALID_TRIGGER_PAYLOAD';
  constructor(readonly sensor: string, readonly problems: { path: string; message: string }[]) {
    super(
      `The payload for sensor "${sensor}" does not fit its triggerSchema:\n${problems.map((p) => `  - ${p.path || '(payload)'}: ${p.message}`).join('\n')}\nFix the payload and send it again; nothing was sent.`,
    );
  }
}

/** A sensor name the definitions do not have. Suggests near matches. */
export class UnknownSensorError extends InvalidRequestError {
  readonly code = 'STRATUM_UNKNOWN_SENSOR';
  constructor(readonly sensor: string, known: readonly string[]) {
    const near = suggestSimilar(sensor, known);
    super(
      `Unknown sensor "${sensor}"${near.length ? ` (did you mean ${near.map((n) => `"${n}"`).join(', ')}?)` : ''}. ${known.length ? `Sensors in these definitions: ${known.join(', ')}.` : 'These definitions have no sensors: add one with Definitions({ sensors: [sensor({...})] }).'}`,
    );
  }
}

/** A sensor that cannot take the request now: not running, or stopping. */
export class SensorNotRunningError extends InvalidRequestError {
  readonly code = 'STRATUM_SENSOR_NOT_RUNNING';
}

import { InvalidDefinitionError } from '../errors';

/** A duration as Temporal writes it: `'500ms'`, `'5s'`, `'2m'`, `'1h'`, `'1d'`, or milliseconds. */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds in a {@link Duration}; `what` names the option in the error message. */
export function durationToMs(duration: Duration, what: string): number {
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration) || duration < 0) {
      throw new InvalidDefinitionError(`${what} must be a non-negative number of milliseconds, got ${duration}.`);
    }
    return duration;
  }
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(duration);
  if (!match) {
    throw new InvalidDefinitionError(`${what} "${duration}" is not a duration. Write it like '500ms', '30s', '5m', '1h' or '1d'.`);
  }
  return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}

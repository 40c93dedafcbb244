import { readFileSync } from 'node:fs';
import { InvalidRunRequestError } from '../sdk/errors';

/** Parses `--config`: inline JSON, or `@path/to/file.json`. */
export function parseConfigOption(value: string | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  let text = value;
  let source = 'inline --config';
  if (value.startsWith('@')) {
    source = value.slice(1);
    try {
      text = readFileSync(source, 'utf8');
    } catch (error) {
      throw new InvalidRunRequestError(`Cannot read config file ${source}: ${(error as Error).message}. Pass --config @path/to/config.json or inline JSON.`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidRunRequestError(`${source} is not valid JSON (${(error as Error).message}). Example: --config '{"orders": {"limit": 10}}'.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidRunRequestError(`${source} must be a JSON object keyed by step, e.g. {"orders": {"limit": 10}}.`);
  }
  return parsed as Record<string, unknown>;
}

/** Parses repeated `--tag key=value` options. */
export function parseTags(values: string[] | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const value of values ?? []) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new InvalidRunRequestError(`--tag ${value} is not key=value.`);
    tags[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return tags;
}

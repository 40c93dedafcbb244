import { DateTime } from 'luxon';
import { PartitionsDefinitionError } from '../definition/partitions-definition-error';
import { formatOffset, MINUTE_MS, wallFields, wallTime, type ZoneClock } from './zone-clock';

type Field = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond';

type Token =
  | { kind: 'literal'; text: string }
  | { kind: 'field'; field: Field; width: number; pattern: string }
  | { kind: 'offset'; colon: boolean }
  /** A luxon token Stratum does not format itself (month names, ISO weeks…). */
  | { kind: 'other'; text: string };

const FIELD_TOKENS: Record<string, Token> = {
  y: { kind: 'field', field: 'year', width: 1, pattern: '\\d{1,6}' },
  yyyy: { kind: 'field', field: 'year', width: 4, pattern: '\\d{4,6}' },
  M: { kind: 'field', field: 'month', width: 1, pattern: '\\d{1,2}' },
  MM: { kind: 'field', field: 'month', width: 2, pattern: '\\d{2}' },
  d: { kind: 'field', field: 'day', width: 1, pattern: '\\d{1,2}' },
  dd: { kind: 'field', field: 'day', width: 2, pattern: '\\d{2}' },
  H: { kind: 'field', field: 'hour', width: 1, pattern: '\\d{1,2}' },
  HH: { kind: 'field', field: 'hour', width: 2, pattern: '\\d{2}' },
  m: { kind: 'field', field: 'minute', width: 1, pattern: '\\d{1,2}' },
  mm: { kind: 'field', field: 'minute', width: 2, pattern: '\\d{2}' },
  s: { kind: 'field', field: 'second', width: 1, pattern: '\\d{1,2}' },
  ss: { kind: 'field', field: 'second', width: 2, pattern: '\\d{2}' },
  S: { kind: 'field', field: 'millisecond', width: 1, pattern: '\\d{1,3}' },
  SSS: { kind: 'field', field: 'millisecond', width: 3, pattern: '\\d{3}' },
  ZZ: { kind: 'offset', colon: true },
  ZZZ: { kind: 'offset', colon: false },
};

function fieldOf(date: Date, field: Field): number {
  switch (field) {
    case 'year':
      return date.getUTCFullYear();
    case 'month':
      return date.getUTCMonth() + 1;
    case 'day':
      return date.getUTCDate();
    case 'hour':
      return date.getUTCHours();
    case 'minute':
      return date.getUTCMinutes();
    case 'second':
      return date.getUTCSeconds();
    case 'millisecond':
      return date.getUTCMilliseconds();
  }
}

const REPEAT_SUFFIX = /([+-])(\d{2})(\d{2})$/;

/** Splits a luxon format string into tokens: quoted text and non-letters are literal. */
function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      const close = pattern.indexOf("'", i + 1);
      const end = close < 0 ? pattern.length : close;
      tokens.push({ kind: 'literal', text: pattern.slice(i + 1, end) });
      i = end + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      const run = pattern.slice(i, j);
      tokens.push(FIELD_TOKENS[run] ?? { kind: 'other', text: run });
      i = j;
    } else {
      tokens.push({ kind: 'literal', text: c });
      i++;
    }
  }
  return tokens;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Parsed pieces of a key: a wall time, or an exact instant when the key carries an offset. */
type ParsedKey = { wall: number; instant?: undefined } | { instant: number; wall?: undefined };

/**
 * Formats instants as partition keys and parses keys back, with luxon format tokens
 * (`yyyy-MM-dd-HH:mm`). Common tokens (`y yyyy M MM d dd H HH m mm s ss S SSS ZZ ZZZ` and
 * literals) are handled without luxon, fast enough for 100,000 keys; other tokens (`LLL`,
 * `kkkk`, `WW`…) go through luxon with the `en-US` locale.
 *
 * A key is the window start in the zone. When the format has no offset token and the instant
 * is the second pass through a repeated wall time (the hour after a DST fall-back), the key
 * gets the offset appended, as Dagster does: `2024-11-03-01:00` then `2024-11-03-01:00-0500`.
 */
export class KeyFormat {
  private readonly tokens: Token[];
  private readonly fast: boolean;
  /** The format itself carries the UTC offset, so keys are never ambiguous. */
  readonly hasOffset: boolean;
  private readonly regex: RegExp | null;
  private readonly groups: Token[];

  constructor(
    readonly pattern: string,
    private readonly clock: ZoneClock,
  ) {
    if (pattern.length === 0) throw new PartitionsDefinitionError('A partition key format cannot be empty; use luxon tokens such as "yyyy-MM-dd".');
    this.tokens = tokenize(pattern);
    this.fast = this.tokens.every((t) => t.kind !== 'other');
    this.hasOffset = this.tokens.some((t) => t.kind === 'offset' || (t.kind === 'other' && /^[Zz]+$/.test(t.text)));
    const yearRun = (t: Token) =>
      (t.kind === 'field' && t.field === 'year') || (t.kind === 'other' && /^(y|k|yyy+|kkk+)$/.test(t.text));
    if (!this.tokens.some(yearRun)) {
      throw new PartitionsDefinitionError(
        `Partition key format "${pattern}" has no full year (yyyy), so keys cannot be read back to a time. Use luxon tokens such as "yyyy-MM-dd" or "yyyy-MM-dd-HH:mm".`,
      );
    }
    this.groups = this.tokens.filter((t) => t.kind !== 'literal');
    this.regex = this.fast
      ? new RegExp(
          `^${this.tokens
            .map((t) =>
              t.kind === 'literal' ? escapeRegExp(t.text) : t.kind === 'field' ? `(${t.pattern})` : t.kind === 'offset' ? (t.colon ? '([+-]\\d{2}:\\d{2})' : '([+-]\\d{4})') : '',
            )
            .join('')}$`,
        )
      : null;
  }

  /** The key of a window starting at `instant`. */
  format(instant: number): string {
    const offset = this.clock.offsetAt(instant);
    const text = this.fast ? this.formatFast(instant + offset, offset) : this.formatWithLuxon(instant);
    return !this.hasOffset && this.clock.isRepeatedWallTime(instant) ? text + formatOffset(offset, false) : text;
  }

  /**
   * The instant a key names, or null when it does not read in this format. An ambiguous wall
   * time without suffix is its first occurrence; a skipped one is the end of the DST gap (the
   * caller checks the key is canonical by formatting the instant again).
   */
  parse(key: string): number | null {
    const parsed = this.parsePlain(key);
    if (parsed) return parsed.instant ?? this.clock.resolve(parsed.wall).instant;
    if (this.hasOffset) return null;
    const suffix = REPEAT_SUFFIX.exec(key);
    if (!suffix) return null;
    const inner = this.parsePlain(key.slice(0, -5));
    if (!inner || inner.wall === undefined) return null;
    const offset = (suffix[1] === '-' ? -1 : 1) * (Number(suffix[2]) * 60 + Number(suffix[3])) * MINUTE_MS;
    return inner.wall - offset;
  }

  private formatFast(wall: number, offset: number): string {
    const date = new Date(wall);
    let out = '';
    for (const t of this.tokens) {
      if (t.kind === 'literal') out += t.text;
      else if (t.kind === 'offset') out += formatOffset(offset, t.colon);
      else if (t.kind === 'field') {
        const value = fieldOf(date, t.field);
        out += t.width === 1 ? String(value) : String(value).padStart(t.width, '0');
      }
    }
    return out;
  }

  private formatWithLuxon(instant: number): string {
    const zone = this.clock.isUtc ? 'utc' : this.clock.name;
    return DateTime.fromMillis(instant, { zone, locale: 'en-US' }).toFormat(this.pattern);
  }

  private parsePlain(key: string): ParsedKey | null {
    if (!this.fast) {
      const dt = DateTime.fromFormat(key, this.pattern, { zone: 'utc', setZone: true, locale: 'en-US' });
      if (!dt.isValid) return null;
      return this.hasOffset ? { instant: dt.toMillis() } : { wall: dt.toMillis() + dt.offset * MINUTE_MS };
    }
    const match = this.regex!.exec(key);
    if (!match) return null;
    const f = { year: Number.NaN, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 };
    let offset: number | null = null;
    this.groups.forEach((t, i) => {
      const text = match[i + 1]!;
      if (t.kind === 'field') f[t.field] = Number(text);
      else if (t.kind === 'offset') {
        const digits = text.replace(':', '');
        offset = (digits[0] === '-' ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * MINUTE_MS;
      }
    });
    const wall = wallTime(f.year, f.month, f.day, f.hour, f.minute, f.second, f.millisecond);
    if (Number.isNaN(wall)) return null;
    const back = wallFields(wall);
    const same =
      back.year === f.year && back.month === f.month && back.day === f.day && back.hour === f.hour && back.minute === f.minute && back.second === f.second;
    if (!same) return null; // e.g. 2023-02-29 or 25:00
    return offset === null ? { wall } : { instant: wall - offset };
  }
}

import { CronExpressionParser } from 'cron-parser';
import { InvalidRequestError } from '../../sdk/errors';
import {
  dailyPartitions,
  hourlyPartitions,
  monthlyPartitions,
  PartitionKeyError,
  PartitionsDefinitionError,
  partitionsDefinitionFromSpec,
  type TimeWindowPartitionsDefinition,
  timeWindowPartitions,
  weeklyPartitions,
} from '../../sdk/partitions';
import { keyError } from './key-error';

const at = (iso: string) => ({ now: new Date(iso) });
const FAR_FUTURE = at('2030-01-01T00:00:00Z');
const hours = (w: { start: Date; end: Date }) => (w.end.getTime() - w.start.getTime()) / 3_600_000;
const days = (w: { start: Date; end: Date }) => hours(w) / 24;

describe('DST: daily window lengths', () => {
  test.each([
    { name: 'New York spring-forward', tz: 'America/New_York', key: '2024-03-10', start: '2024-03-10T05:00:00.000Z', hours: 23 },
    { name: 'New York fall-back', tz: 'America/New_York', key: '2024-11-03', start: '2024-11-03T04:00:00.000Z', hours: 25 },
    { name: 'New York ordinary day', tz: 'America/New_York', key: '2024-03-09', start: '2024-03-09T05:00:00.000Z', hours: 24 },
    { name: 'New York summer day', tz: 'America/New_York', key: '2024-07-04', start: '2024-07-04T04:00:00.000Z', hours: 24 },
    { name: 'Berlin spring-forward', tz: 'Europe/Berlin', key: '2024-03-31', start: '2024-03-30T23:00:00.000Z', hours: 23 },
    { name: 'Berlin fall-back', tz: 'Europe/Berlin', key: '2024-10-27', start: '2024-10-26T22:00:00.000Z', hours: 25 },
    { name: 'UTC never shifts', tz: 'UTC', key: '2024-03-10', start: '2024-03-10T00:00:00.000Z', hours: 24 },
  ])('$name: $key is $hours hours', ({ tz, key, start, hours: expected }) => {
    const daily = dailyPartitions({ start: '2024-01-01', timezone: tz });
    const window = daily.timeWindowForKey(key);
    expect(window.start.toISOString()).toBe(start);
    expect(hours(window)).toBe(expected);
  });

  test.each([
    // Dagster: a local time that does not exist moves to the end of the gap; a repeated one is its first occurrence.
    { name: 'hourOffset in the spring gap moves to 03:00', key: '2024-03-10', hourOffset: 2, minuteOffset: 30, start: '2024-03-10T07:00:00.000Z', hours: 23.5 },
    { name: 'the day before the gap ends at the gap', key: '2024-03-09', hourOffset: 2, minuteOffset: 30, start: '2024-03-09T07:30:00.000Z', hours: 23.5 },
    { name: 'hourOffset in the repeated hour is its first occurrence', key: '2024-11-03', hourOffset: 1, minuteOffset: 30, start: '2024-11-03T05:30:00.000Z', hours: 25 },
    { name: 'the day before the repeated hour is 24 hours', key: '2024-11-02', hourOffset: 1, minuteOffset: 30, start: '2024-11-02T05:30:00.000Z', hours: 24 },
  ])('New York daily with offsets: $name', ({ key, hourOffset, minuteOffset, start, hours: expected }) => {
    const daily = dailyPartitions({ start: '2024-01-01', timezone: 'America/New_York', hourOffset, minuteOffset });
    const window = daily.timeWindowForKey(key);
    expect(window.start.toISOString()).toBe(start);
    expect(hours(window)).toBe(expected);
  });
});

describe('DST: hourly keys', () => {
  test.each([
    { name: 'New York spring-forward', tz: 'America/New_York', day: '2024-03-10', count: 23, has: ['2024-03-10-01:00', '2024-03-10-03:00'], lacks: ['2024-03-10-02:00'] },
    { name: 'New York fall-back', tz: 'America/New_York', day: '2024-11-03', count: 25, has: ['2024-11-03-01:00', '2024-11-03-01:00-0500', '2024-11-03-02:00'], lacks: [] },
    { name: 'Berlin spring-forward', tz: 'Europe/Berlin', day: '2024-03-31', count: 23, has: ['2024-03-31-01:00', '2024-03-31-03:00'], lacks: ['2024-03-31-02:00'] },
    { name: 'Berlin fall-back', tz: 'Europe/Berlin', day: '2024-10-27', count: 25, has: ['2024-10-27-02:00', '2024-10-27-02:00+0100', '2024-10-27-03:00'], lacks: [] },
    { name: 'UTC', tz: 'UTC', day: '2024-03-10', count: 24, has: ['2024-03-10-02:00'], lacks: [] },
  ])('$name: $day has $count unique hourly keys', ({ tz, day, count, has, lacks }) => {
    const hourly = hourlyPartitions({ start: '2024-01-01-00:00', timezone: tz });
    const day0 = dailyPartitions({ start: '2024-01-01', timezone: tz }).timeWindowForKey(day);
    const first = hourly.keyForTime(day0.start)!;
    const last = hourly.keyForTime(new Date(day0.end.getTime() - 1))!;
    const keys = hourly.keysInRange(first, last, FAR_FUTURE);
    expect(keys).toHaveLength(count);
    expect(new Set(keys).size).toBe(count);
    for (const key of has) expect(keys).toContain(key);
    for (const key of lacks) expect(keys).not.toContain(key);
    // every window is exactly one hour and consecutive
    keys.forEach((k, i) => {
      const w = hourly.timeWindowForKey(k);
      expect(hours(w)).toBe(1);
      if (i > 0) expect(w.start).toEqual(hourly.timeWindowForKey(keys[i - 1]!).end);
    });
  });

  test('the hourly keys of a fall-back day in order (New York)', () => {
    const hourly = hourlyPartitions({ start: '2024-11-03-00:00', timezone: 'America/New_York' });
    expect(hourly.keysInRange('2024-11-03-00:00', '2024-11-03-03:00', FAR_FUTURE)).toEqual([
      '2024-11-03-00:00',
      '2024-11-03-01:00',
      '2024-11-03-01:00-0500',
      '2024-11-03-02:00',
      '2024-11-03-03:00',
    ]);
    expect(hourly.timeWindowForKey('2024-11-03-01:00-0500').start.toISOString()).toBe('2024-11-03T06:00:00.000Z');
    expect(hourly.nextKey('2024-11-03-01:00')).toBe('2024-11-03-01:00-0500');
    expect(hourly.previousKey('2024-11-03-02:00')).toBe('2024-11-03-01:00-0500');
  });

  test.each([
    { name: 'NY last minute before the gap', tz: 'America/New_York', time: '2024-03-10T06:59:59.999Z', key: '2024-03-10-01:00' },
    { name: 'NY first instant after the gap', tz: 'America/New_York', time: '2024-03-10T07:00:00.000Z', key: '2024-03-10-03:00' },
    { name: 'NY first 01:30 (EDT)', tz: 'America/New_York', time: '2024-11-03T05:30:00.000Z', key: '2024-11-03-01:00' },
    { name: 'NY second 01:30 (EST)', tz: 'America/New_York', time: '2024-11-03T06:30:00.000Z', key: '2024-11-03-01:00-0500' },
    { name: 'NY 02:30 after the overlap', tz: 'America/New_York', time: '2024-11-03T07:30:00.000Z', key: '2024-11-03-02:00' },
    { name: 'Berlin just before the gap', tz: 'Europe/Berlin', time: '2024-03-31T00:59:00.000Z', key: '2024-03-31-01:00' },
    { name: 'Berlin after the gap', tz: 'Europe/Berlin', time: '2024-03-31T01:00:00.000Z', key: '2024-03-31-03:00' },
    { name: 'Berlin first 02:30 (CEST)', tz: 'Europe/Berlin', time: '2024-10-27T00:30:00.000Z', key: '2024-10-27-02:00' },
    { name: 'Berlin second 02:30 (CET)', tz: 'Europe/Berlin', time: '2024-10-27T01:30:00.000Z', key: '2024-10-27-02:00+0100' },
  ])('keyForTime around the gap and the overlap: $name', ({ tz, time, key }) => {
    const hourly = hourlyPartitions({ start: '2024-01-01-00:00', timezone: tz });
    expect(hourly.keyForTime(new Date(time))).toBe(key);
    expect(hourly.timeWindowForKey(key).start.getTime()).toBeLessThanOrEqual(new Date(time).getTime());
    expect(hourly.timeWindowForKey(key).end.getTime()).toBeGreaterThan(new Date(time).getTime());
  });

  test.each([
    { name: 'a local hour that does not exist', key: '2024-03-10-02:00', problem: 'format', says: '2024-03-10-03:00' },
    { name: 'the first 01:00 written with its offset', key: '2024-11-03-01:00-0400', problem: 'format', says: '2024-11-03-01:00' },
    { name: 'half past the hour', key: '2024-11-03-01:30', problem: 'not-a-window-start', says: 'use 2024-11-03-01:00' },
  ])('New York hourly refuses $name', ({ key, problem, says }) => {
    const hourly = hourlyPartitions({ start: '2024-01-01-00:00', timezone: 'America/New_York' });
    const error = keyError(() => hourly.validateKey(key, FAR_FUTURE));
    expect(error.problem).toBe(problem);
    expect(error.message).toContain(says);
  });

  test('15-minute windows on a fall-back day: 100 keys, the repeated quarter-hours with offsets', () => {
    const quarters = timeWindowPartitions({ cron: '*/15 * * * *', start: '2024-11-03-00:00', timezone: 'America/New_York', format: 'yyyy-MM-dd-HH:mm' });
    const keys = quarters.keysInRange('2024-11-03-00:00', '2024-11-03-23:45', FAR_FUTURE);
    expect(keys).toHaveLength(100);
    expect(keys).toContain('2024-11-03-01:45-0500');
    expect(new Set(keys).size).toBe(100);
  });

  test('weekly windows across spring-forward are 167 hours (New York)', () => {
    const weekly = weeklyPartitions({ start: '2024-01-01', timezone: 'America/New_York' });
    expect(hours(weekly.timeWindowForKey('2024-03-10'))).toBe(167);
    expect(hours(weekly.timeWindowForKey('2024-03-03'))).toBe(168);
  });

  test('monthly windows in Berlin: March loses an hour, October gains one', () => {
    const monthly = monthlyPartitions({ start: '2024-01-01', timezone: 'Europe/Berlin' });
    expect(hours(monthly.timeWindowForKey('2024-03-01'))).toBe(31 * 24 - 1);
    expect(hours(monthly.timeWindowForKey('2024-10-01'))).toBe(31 * 24 + 1);
    expect(monthly.timeWindowForKey('2024-03-01').start.toISOString()).toBe('2024-02-29T23:00:00.000Z');
  });
});

describe('calendar edges', () => {
  const daily = dailyPartitions({ start: '2023-01-01' });
  const monthly = monthlyPartitions({ start: '2023-01-01' });

  test.each([
    { name: 'Jan 31 to Feb (leap year)', from: '2024-01-30', to: '2024-02-02', keys: ['2024-01-30', '2024-01-31', '2024-02-01', '2024-02-02'] },
    { name: 'through Feb 29 2024', from: '2024-02-27', to: '2024-03-01', keys: ['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01'] },
    { name: 'no Feb 29 in 2023', from: '2023-02-27', to: '2023-03-01', keys: ['2023-02-27', '2023-02-28', '2023-03-01'] },
    { name: '30-day April to May', from: '2024-04-29', to: '2024-05-01', keys: ['2024-04-29', '2024-04-30', '2024-05-01'] },
    { name: '2023 into 2024', from: '2023-12-30', to: '2024-01-02', keys: ['2023-12-30', '2023-12-31', '2024-01-01', '2024-01-02'] },
  ])('daily keysInRange: $name', ({ from, to, keys }) => {
    expect(daily.keysInRange(from, to, FAR_FUTURE)).toEqual(keys);
  });

  test.each([
    { name: '2024 has 366 days', from: '2024-01-01', to: '2024-12-31', count: 366 },
    { name: '2023 has 365 days', from: '2023-01-01', to: '2023-12-31', count: 365 },
    { name: 'leap range 2023-06-01 to 2024-06-01', from: '2023-06-01', to: '2024-06-01', count: 367 },
  ])('daily range sizes: $name', ({ from, to, count }) => {
    expect(daily.keysInRange(from, to, FAR_FUTURE)).toHaveLength(count);
  });

  test.each([
    { name: 'January', key: '2024-01-01', days: 31 },
    { name: 'February of a leap year', key: '2024-02-01', days: 29 },
    { name: 'February of a common year', key: '2023-02-01', days: 28 },
    { name: 'April (30 days)', key: '2024-04-01', days: 30 },
    { name: 'December into January', key: '2023-12-01', days: 31 },
  ])('monthly window length: $name', ({ key, days: expected }) => {
    expect(days(monthly.timeWindowForKey(key))).toBe(expected);
  });

  test.each([
    { name: 'Feb 29 of a leap year is a day', def: daily, key: '2024-02-29', valid: true },
    { name: 'Feb 29 of a common year is not a date', def: daily, key: '2023-02-29', valid: false },
    { name: 'April 31 is not a date', def: daily, key: '2024-04-31', valid: false },
    { name: 'Jan 31 exists', def: daily, key: '2024-01-31', valid: true },
    { name: 'monthly keys are first days', def: monthly, key: '2024-02-01', valid: true },
    { name: 'a mid-month day is not a monthly key', def: monthly, key: '2024-02-29', valid: false },
  ])('hasKey: $name', ({ def, key, valid }) => {
    expect(def.hasKey(key, FAR_FUTURE)).toBe(valid);
  });

  test('keyForTime on the leap day and the next key', () => {
    expect(daily.keyForTime(new Date('2024-02-29T23:59:59Z'))).toBe('2024-02-29');
    expect(daily.nextKey('2024-02-28')).toBe('2024-02-29');
    expect(daily.nextKey('2024-02-29')).toBe('2024-03-01');
    expect(monthly.keyForTime(new Date('2024-02-29T12:00:00Z'))).toBe('2024-02-01');
    expect(monthly.nextKey('2024-01-01')).toBe('2024-02-01');
  });

  test('monthly dayOffset 15 and hourOffset', () => {
    const mid = monthlyPartitions({ start: '2024-01-01', dayOffset: 15, hourOffset: 6 });
    expect(mid.firstKey()).toBe('2024-01-15');
    expect(mid.timeWindowForKey('2024-02-15')).toEqual({ start: new Date('2024-02-15T06:00:00Z'), end: new Date('2024-03-15T06:00:00Z') });
  });
});

describe('week start', () => {
  test.each([
    { name: 'Sunday by default', dayOffset: undefined, first: '2024-01-07', weekday: 0 },
    { name: 'dayOffset 1 = Monday', dayOffset: 1, first: '2024-01-01', weekday: 1 },
    { name: 'dayOffset 3 = Wednesday', dayOffset: 3, first: '2024-01-03', weekday: 3 },
    { name: 'dayOffset 6 = Saturday', dayOffset: 6, first: '2024-01-06', weekday: 6 },
  ])('$name', ({ dayOffset, first, weekday }) => {
    const weekly = weeklyPartitions({ start: '2024-01-01', ...(dayOffset === undefined ? {} : { dayOffset }) });
    expect(weekly.firstKey()).toBe(first);
    const window = weekly.timeWindowForKey(first);
    expect(window.start.getUTCDay()).toBe(weekday);
    expect(days(window)).toBe(7);
    expect(weekly.keys(at('2024-02-01T00:00:00Z')).every((k) => new Date(`${k}T00:00:00Z`).getUTCDay() === weekday)).toBe(true);
  });

  test('a key on the wrong weekday says which window it falls in', () => {
    const weekly = weeklyPartitions({ start: '2024-01-01' });
    const error = keyError(() => weekly.validateKey('2024-01-09', at('2024-06-01T00:00:00Z')));
    expect(error.problem).toBe('not-a-window-start');
    expect(error.message).toContain('use 2024-01-07');
    expect(error.message).toContain('Sundays');
  });
});

describe('end offset and bounds', () => {
  test.each([
    { name: 'endOffset 0: windows that ended', endOffset: 0, now: '2024-01-05T12:00:00Z', last: '2024-01-04', count: 4 },
    { name: 'endOffset 0 at the exact end of a window', endOffset: 0, now: '2024-01-05T00:00:00Z', last: '2024-01-04', count: 4 },
    { name: 'endOffset 0 one ms before', endOffset: 0, now: '2024-01-04T23:59:59.999Z', last: '2024-01-03', count: 3 },
    { name: 'endOffset 1: the window in progress too', endOffset: 1, now: '2024-01-05T12:00:00Z', last: '2024-01-05', count: 5 },
    { name: 'endOffset 2', endOffset: 2, now: '2024-01-05T12:00:00Z', last: '2024-01-06', count: 6 },
    { name: 'endOffset -1: drop the last ended window', endOffset: -1, now: '2024-01-05T12:00:00Z', last: '2024-01-03', count: 3 },
    { name: 'endOffset 1 before the first window ends', endOffset: 1, now: '2024-01-01T06:00:00Z', last: '2024-01-01', count: 1 },
    { name: 'nothing before the first window ends', endOffset: 0, now: '2024-01-01T06:00:00Z', last: null, count: 0 },
    { name: 'nothing before the start', endOffset: 0, now: '2023-06-01T00:00:00Z', last: null, count: 0 },
  ])('$name', ({ endOffset, now, last, count }) => {
    const daily = dailyPartitions({ start: '2024-01-01', endOffset });
    expect(daily.lastKey(at(now))).toBe(last);
    expect(daily.count(at(now))).toBe(count);
    expect(daily.keys(at(now))).toHaveLength(count);
  });

  test.each([
    { name: 'end is exclusive', options: {}, now: '2030-01-01T00:00:00Z', last: '2024-01-09', count: 9 },
    { name: 'endOffset cannot pass end', options: { endOffset: 5 }, now: '2030-01-01T00:00:00Z', last: '2024-01-09', count: 9 },
    { name: 'endOffset before end', options: { endOffset: 1 }, now: '2024-01-05T12:00:00Z', last: '2024-01-05', count: 5 },
    { name: 'negative endOffset counts back from end', options: { endOffset: -1 }, now: '2030-01-01T00:00:00Z', last: '2024-01-08', count: 8 },
    { name: 'before end, now decides', options: {}, now: '2024-01-03T00:00:00Z', last: '2024-01-02', count: 2 },
  ])('end bound: $name', ({ options, now, last, count }) => {
    const daily = dailyPartitions({ start: '2024-01-01', end: '2024-01-10', ...options });
    expect(daily.lastKey(at(now))).toBe(last);
    expect(daily.count(at(now))).toBe(count);
  });

  test('end bound: keyForTime and nextKey stop at the end', () => {
    const daily = dailyPartitions({ start: '2024-01-01', end: '2024-01-10' });
    expect(daily.keyForTime(new Date('2024-01-09T23:00:00Z'))).toBe('2024-01-09');
    expect(daily.keyForTime(new Date('2024-01-10T00:00:00Z'))).toBeNull();
    expect(daily.nextKey('2024-01-09')).toBeNull();
    expect(daily.keyForTime(new Date('2023-12-31T23:00:00Z'))).toBeNull();
    expect(daily.previousKey('2024-01-01')).toBeNull();
    const error = keyError(() => daily.validateKey('2024-01-10', FAR_FUTURE));
    expect(error.problem).toBe('out-of-range');
    expect(error.message).toContain('The definition ends at 2024-01-10T00:00:00.000Z');
  });

  test('keyForTime with a context stops at the last partition', () => {
    const daily = dailyPartitions({ start: '2024-01-01' });
    expect(daily.keyForTime(new Date('2024-01-05T06:00:00Z'))).toBe('2024-01-05');
    expect(daily.keyForTime(new Date('2024-01-05T06:00:00Z'), at('2024-01-05T12:00:00Z'))).toBeNull();
    expect(daily.keyForTime(new Date('2024-01-04T06:00:00Z'), at('2024-01-05T12:00:00Z'))).toBe('2024-01-04');
  });

  test('start: not on a tick → first window at the next tick; Date and ISO accepted', () => {
    expect(dailyPartitions({ start: '2024-01-01T06:00:00Z' }).firstKey()).toBe('2024-01-02');
    expect(dailyPartitions({ start: new Date('2024-01-01T00:00:00Z') }).firstKey()).toBe('2024-01-01');
    expect(hourlyPartitions({ start: '2024-01-01' }).firstKey()).toBe('2024-01-01-00:00');
    expect(hourlyPartitions({ start: '2024-01-01T10:30', timezone: 'Europe/Berlin' }).firstKey()).toBe('2024-01-01-11:00');
    // a key-formatted start is a local time in the zone
    expect(dailyPartitions({ start: '2024-01-01', timezone: 'America/New_York' }).start.toISOString()).toBe('2024-01-01T05:00:00.000Z');
  });

  test('indices: keyIndex, keyAt, windowAt', () => {
    const daily = dailyPartitions({ start: '2024-01-01' });
    expect(daily.keyIndex('2024-01-01')).toBe(0);
    expect(daily.keyIndex('2024-03-01')).toBe(60);
    expect(daily.keyIndex('2023-12-31')).toBe(-1);
    expect(daily.keyAt(60)).toBe('2024-03-01');
    expect(daily.windowAt(-1).start.toISOString()).toBe('2023-12-31T00:00:00.000Z');
    expect(daily.timeWindowForRange({ from: '2024-01-01', to: '2024-01-31' })).toEqual({ start: new Date('2024-01-01T00:00:00Z'), end: new Date('2024-02-01T00:00:00Z') });
  });
});

describe('invalid keys', () => {
  const daily = dailyPartitions({ start: '2024-01-01' });
  const now = at('2024-11-21T12:00:00Z');

  test.each([
    {
      name: 'before the start',
      key: '2023-12-31',
      problem: 'out-of-range',
      message: '"2023-12-31" is not a partition of daily partitions starting 2024-01-01 (UTC): valid keys run from 2024-01-01 to 2024-11-20. Pass a date in that range in yyyy-MM-dd.',
    },
    { name: 'today, not ended yet', key: '2024-11-21', problem: 'out-of-range', message: 'set endOffset: 1 to include the window in progress' },
    { name: 'the future', key: '2025-06-01', problem: 'out-of-range', message: 'valid keys run from 2024-01-01 to 2024-11-20' },
    { name: 'wrong separators', key: '2024/01/05', problem: 'format', message: 'it does not read as a date in yyyy-MM-dd' },
    { name: 'not padded', key: '2024-1-5', problem: 'format', message: 'yyyy-MM-dd' },
    { name: 'not a date', key: '2024-02-30', problem: 'format', message: 'does not read as a date' },
    { name: 'empty', key: '', problem: 'format', message: 'Pass a date in that range in yyyy-MM-dd.' },
  ])('daily: $name', ({ key, problem, message }) => {
    const error = keyError(() => daily.validateKey(key, now));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.code).toBe('STRATUM_INVALID_PARTITION_KEY');
    expect(error.problem).toBe(problem);
    expect(error.key).toBe(key);
    expect(error.message).toContain(message);
    expect(daily.hasKey(key, now)).toBe(false);
  });

  test('hourly: message names the format and says time', () => {
    const hourly = hourlyPartitions({ start: '2024-01-01-00:00' });
    const error = keyError(() => hourly.validateKey('2024-01-01', now));
    expect(error.message).toContain('Pass a time in that range in yyyy-MM-dd-HH:mm.');
    expect(error.message).toContain('Valid keys run from 2024-01-01-00:00 to 2024-11-21-11:00');
  });

  test('a negative endOffset says which windows it leaves out', () => {
    const lagging = dailyPartitions({ start: '2024-01-01', endOffset: -2 });
    const error = keyError(() => lagging.validateKey('2024-01-09', at('2024-01-10T05:00:00Z')));
    expect(error.message).toContain('valid keys run from 2024-01-01 to 2024-01-07. endOffset -2 leaves out the last 2 ended windows.');
  });

  test('no partitions yet', () => {
    const error = keyError(() => daily.validateKey('2024-01-01', at('2024-01-01T12:00:00Z')));
    expect(error.message).toContain('there are no partitions yet at 2024-01-01T12:00:00.000Z: the first, 2024-01-01, exists once its window ends at 2024-01-02T00:00:00.000Z');
  });

  test('keysInRange validates both ends and refuses a reversed range', () => {
    expect(daily.keysInRange('2024-01-01', '2024-01-03', now)).toEqual(['2024-01-01', '2024-01-02', '2024-01-03']);
    expect(daily.keysInRange('2024-01-03', '2024-01-03', now)).toEqual(['2024-01-03']);
    const reversed = keyError(() => daily.keysInRange('2024-01-05', '2024-01-01', now));
    expect(reversed.problem).toBe('range-reversed');
    expect(reversed.message).toContain('Swap the ends: 2024-01-01...2024-01-05');
    expect(keyError(() => daily.keysInRange('2023-12-01', '2024-01-03', now)).key).toBe('2023-12-01');
    expect(keyError(() => daily.keysInRange('2024-01-01', '2024-12-03', now)).key).toBe('2024-12-03');
  });

  test('timeWindowForKey refuses keys that are not window starts, whatever now is', () => {
    expect(() => daily.timeWindowForKey('2024-13-01')).toThrow(PartitionKeyError);
    expect(daily.timeWindowForKey('2031-01-01').start.toISOString()).toBe('2031-01-01T00:00:00.000Z');
  });
});

describe('definition errors', () => {
  test.each([
    { name: 'unknown time zone', make: () => dailyPartitions({ start: '2024-01-01', timezone: 'Mars/Olympus' }), says: 'is not an IANA time zone' },
    { name: 'hourOffset out of range', make: () => dailyPartitions({ start: '2024-01-01', hourOffset: 25 }), says: 'hourOffset must be an integer from 0 to 23, got 25' },
    { name: 'weekly dayOffset 7', make: () => weeklyPartitions({ start: '2024-01-01', dayOffset: 7 }), says: 'dayOffset must be an integer from 0 to 6' },
    { name: 'monthly dayOffset 31', make: () => monthlyPartitions({ start: '2024-01-01', dayOffset: 31 }), says: 'days 29–31 are missing in some months' },
    { name: 'fractional endOffset', make: () => dailyPartitions({ start: '2024-01-01', endOffset: 0.5 }), says: 'endOffset must be an integer' },
    { name: 'format without a year', make: () => dailyPartitions({ start: '2024-01-01', format: 'MM-dd' }), says: 'has no full year' },
    { name: 'format too coarse for hours', make: () => hourlyPartitions({ start: '2024-01-01', format: 'yyyy-MM-dd' }), says: 'the same key' },
    { name: 'unreadable start', make: () => dailyPartitions({ start: 'yesterday' }), says: 'start "yesterday" is not a date in yyyy-MM-dd nor an ISO 8601 date' },
    { name: 'end before the first window ends', make: () => dailyPartitions({ start: '2024-01-05', end: '2024-01-05' }), says: 'leaves no partitions' },
    { name: 'cron with six fields', make: () => timeWindowPartitions({ cron: '0 0 0 * * *', start: '2024-01-01', format: 'yyyy-MM-dd' }), says: 'Seconds are not supported' },
    { name: 'cron hour 24', make: () => timeWindowPartitions({ cron: '0 24 * * *', start: '2024-01-01', format: 'yyyy-MM-dd' }), says: 'hour field "24" has 24, outside 0-23' },
    { name: 'cron that never fires', make: () => timeWindowPartitions({ cron: '0 0 30 2 *', start: '2024-01-01', format: 'yyyy-MM-dd' }), says: 'does not fire' },
  ])('$name', ({ make, says }) => {
    expect(make).toThrow(PartitionsDefinitionError);
    expect(make).toThrow(says);
  });
});

describe('cron schedules', () => {
  const cronOracle = (cron: string, start: string, n: number) => {
    const it = CronExpressionParser.parse(cron, { currentDate: new Date(new Date(start).getTime() - 1), tz: 'UTC' });
    return Array.from({ length: n }, () => it.next().toDate().toISOString());
  };

  test.each([
    { name: 'every 6 hours on weekdays', cron: '0 */6 * * 1-5' },
    { name: 'twice a month at 03:15', cron: '15 3 1,15 * *' },
    { name: 'weekdays at midnight by name', cron: '0 0 * * MON-FRI' },
    { name: 'every 20 minutes', cron: '*/20 * * * *' },
    { name: 'irregular minutes every hour', cron: '5,50 * * * *' },
    { name: 'quarterly', cron: '0 0 1 */3 *' },
    { name: 'leap days', cron: '0 0 29 2 *' },
    { name: 'day of month or Friday (Vixie OR)', cron: '0 12 13 * 5' },
    { name: '@weekly macro', cron: '@weekly' },
  ])('window starts match cron-parser in UTC: $name', ({ cron }) => {
    const def = timeWindowPartitions({ cron, start: '2024-01-01T00:00:00Z', format: "yyyy-MM-dd'T'HH:mm" });
    const starts = Array.from({ length: 12 }, (_, i) => def.windowAt(i).start.toISOString());
    expect(starts).toEqual(cronOracle(cron, '2024-01-01T00:00:00Z', 12));
    // and the keys read back
    for (let i = 0; i < 12; i++) expect(def.keyIndex(def.keyAt(i))).toBe(i);
  });

  test('a general cron in a DST zone: every 2 hours in New York on the fall-back day', () => {
    const def = timeWindowPartitions({ cron: '0 */2 * * *', start: '2024-11-03-00:00', timezone: 'America/New_York', format: 'yyyy-MM-dd-HH:mm' });
    const keys = def.keysInRange('2024-11-03-00:00', '2024-11-03-22:00', FAR_FUTURE);
    expect(keys).toHaveLength(12);
    expect(hours(def.timeWindowForKey('2024-11-03-00:00'))).toBe(3); // 00:00 EDT → 02:00 EST
  });

  test('a general cron in a DST zone: every 2 hours in New York on the spring-forward day', () => {
    const def = timeWindowPartitions({ cron: '0 */2 * * *', start: '2024-03-10-00:00', timezone: 'America/New_York', format: 'yyyy-MM-dd-HH:mm' });
    // 02:00 does not exist and moves to 03:00
    expect(def.keysInRange('2024-03-10-00:00', '2024-03-10-06:00', FAR_FUTURE)).toEqual(['2024-03-10-00:00', '2024-03-10-03:00', '2024-03-10-04:00', '2024-03-10-06:00']);
  });

  test('hourly with minuteOffset and Asia/Kolkata (+05:30)', () => {
    const hourly = hourlyPartitions({ start: '2024-01-01-00:15', minuteOffset: 15, timezone: 'Asia/Kolkata' });
    expect(hourly.windowAt(0).start.toISOString()).toBe('2023-12-31T18:45:00.000Z');
    expect(hourly.keyAt(1)).toBe('2024-01-01-01:15');
  });

  test('Lord Howe: 30-minute DST shift still gives local whole hours', () => {
    const hourly = hourlyPartitions({ start: '2024-04-06-00:00', timezone: 'Australia/Lord_Howe' });
    const keys = hourly.keys(at('2024-04-08T00:00:00Z'));
    expect(keys.every((k) => k.slice(-2) === '00' || /[+-]\d{4}$/.test(k))).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('description and JSON', () => {
  test.each([
    { name: 'daily', def: dailyPartitions({ start: '2024-01-01' }), text: 'daily partitions starting 2024-01-01 (UTC)' },
    { name: 'hourly in Berlin', def: hourlyPartitions({ start: '2024-01-01-00:00', timezone: 'Europe/Berlin' }), text: 'hourly partitions starting 2024-01-01-00:00 (Europe/Berlin)' },
    { name: 'weekly on Mondays', def: weeklyPartitions({ start: '2024-01-01', dayOffset: 1 }), text: 'weekly (Mondays) partitions starting 2024-01-01 (UTC)' },
    { name: 'monthly with end and offset', def: monthlyPartitions({ start: '2024-01-01', end: '2025-01-01', endOffset: 1 }), text: 'monthly partitions starting 2024-01-01 (UTC), ending 2025-01-01, endOffset 1' },
    { name: 'cron', def: timeWindowPartitions({ cron: '0 */6 * * *', start: '2024-01-01-00:00', format: 'yyyy-MM-dd-HH:mm' }), text: 'cron "0 */6 * * *" partitions starting 2024-01-01-00:00 (UTC)' },
  ])('describe: $name', ({ def, text }) => {
    expect(def.describe()).toBe(text);
  });

  test.each([
    { name: 'daily in New York', def: dailyPartitions({ start: '2024-01-01', timezone: 'America/New_York', endOffset: 1 }) },
    { name: 'hourly with end', def: hourlyPartitions({ start: '2024-01-01-00:00', end: '2024-02-01-00:00' }) },
    { name: 'cron', def: timeWindowPartitions({ cron: '30 2 * * 1', start: '2024-01-01', timezone: 'Europe/Berlin', format: 'yyyy-MM-dd' }) },
  ])('spec round-trips through JSON: $name', ({ def }) => {
    const spec = JSON.parse(JSON.stringify(def));
    expect(spec).toEqual(def.spec);
    const again = partitionsDefinitionFromSpec(spec) as TimeWindowPartitionsDefinition;
    const ctx = at('2024-03-15T00:00:00Z');
    expect(again.keys(ctx)).toEqual(def.keys(ctx));
    expect(again.describe()).toBe(def.describe());
  });

  test('spec shape', () => {
    expect(dailyPartitions({ start: '2024-01-01', timezone: 'Europe/Berlin' }).spec).toEqual({
      kind: 'time-window',
      cron: '0 0 * * *',
      cadence: 'daily',
      timezone: 'Europe/Berlin',
      format: 'yyyy-MM-dd',
      start: '2023-12-31T23:00:00.000Z',
      end: null,
      endOffset: 0,
    });
  });
});

describe('performance sanity', () => {
  test.each([
    { name: 'UTC', tz: 'UTC' },
    { name: 'America/New_York', tz: 'America/New_York' },
  ])('enumerates 100,000 hourly keys ($name)', ({ tz }) => {
    const hourly = hourlyPartitions({ start: '2010-01-01-00:00', timezone: tz });
    const start = hourly.start.getTime();
    const now = new Date(start + 100_000 * 3_600_000);
    const keys = hourly.keys({ now });
    expect(keys).toHaveLength(100_000);
    expect(new Set(keys).size).toBe(100_000);
    expect(hourly.count({ now })).toBe(100_000);
    expect(hourly.keyIndex(keys[99_999]!)).toBe(99_999);
  });
});

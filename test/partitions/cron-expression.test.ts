import { parseCron, PartitionsDefinitionError } from '../../sdk/partitions';

describe('parseCron', () => {
  test.each([
    { name: 'every minute', cron: '* * * * *', minutes: 60, hours: 24, dom: 31, months: 12, dow: 7 },
    { name: 'hourly macro', cron: '@hourly', minutes: 1, hours: 24, dom: 31, months: 12, dow: 7 },
    { name: 'steps and ranges', cron: '*/15 9-17 * * 1-5', minutes: 4, hours: 9, dom: 31, months: 12, dow: 5 },
    { name: 'lists and names', cron: '0 0 1,15 JAN,jul SUN', minutes: 1, hours: 1, dom: 2, months: 2, dow: 1 },
    { name: 'range with step', cron: '0 0 1-31/10 * *', minutes: 1, hours: 1, dom: 4, months: 12, dow: 7 },
    { name: 'start with step', cron: '5/20 * * * *', minutes: 3, hours: 24, dom: 31, months: 12, dow: 7 },
    { name: 'Sunday as 7', cron: '0 0 * * 7', minutes: 1, hours: 1, dom: 31, months: 12, dow: 1 },
    { name: 'question mark', cron: '0 0 ? * MON', minutes: 1, hours: 1, dom: 31, months: 12, dow: 1 },
  ])('$name: $cron', ({ cron, minutes, hours, dom, months, dow }) => {
    const parsed = parseCron(cron);
    expect([parsed.minutes.length, parsed.hours.length, parsed.daysOfMonth.length, parsed.months.length, parsed.daysOfWeek.length]).toEqual([minutes, hours, dom, months, dow]);
  });

  test('normalizes spacing and expands macros', () => {
    expect(parseCron('  0   0 * *  * ').source).toBe('0 0 * * *');
    expect(parseCron('@daily').source).toBe('0 0 * * *');
    expect(parseCron('0 0 * * 7').daysOfWeek).toEqual([0]);
  });

  test.each([
    { cron: '0 0 * *', says: 'expected 5 fields, got 4' },
    { cron: '60 * * * *', says: 'minute field "60" has 60, outside 0-59' },
    { cron: '0 0 0 * *', says: 'day-of-month field "0" has 0, outside 1-31' },
    { cron: '0 0 L * *', says: 'uses L, W or #' },
    { cron: '0 0 * * 5#2', says: 'uses L, W or #' },
    { cron: '0 0 * * FOO', says: 'not a number or a name' },
    { cron: '0 0 5-1 * *', says: 'runs backwards' },
    { cron: '*/0 * * * *', says: 'not a positive integer' },
    { cron: '0 ? * * *', says: 'only day fields accept' },
  ])('refuses $cron', ({ cron, says }) => {
    expect(() => parseCron(cron)).toThrow(PartitionsDefinitionError);
    expect(() => parseCron(cron)).toThrow(says);
  });
});

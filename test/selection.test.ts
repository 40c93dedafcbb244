import { asset, Definitions, SelectionSyntaxError, UnknownSelectionError } from '../sdk';
import { resolveSelection } from '../sdk/definitions/selection';
import { captureError } from './harness/wait';

//   raw -> clean -> daily ----> report
//              \--> products --/
//   other (group misc, owner ana)
const raw = asset({ key: 'sales/raw', group: 'sales', tags: { layer: 'bronze' } }, () => 1);
const clean = asset({ key: 'sales/clean', group: 'sales', ins: { raw } }, () => 1);
const daily = asset({ key: 'sales/daily', group: 'sales', ins: { clean }, tags: { layer: 'gold' } }, () => 1);
const products = asset({ key: 'sales/products', group: 'sales', ins: { clean }, tags: { layer: 'gold' } }, () => 1);
const report = asset({ key: 'report', group: 'reports', ins: { daily, products }, owners: ['bob@example.com'] }, () => 1);
const other = asset({ key: 'other', group: 'misc', owners: ['ana'] }, () => 1);
const defs = new Definitions({ assets: [raw, clean, daily, products, report, other] });

describe('selection grammar', () => {
  test.each([
    ['everything', '*', ['other', 'sales/raw', 'sales/clean', 'sales/daily', 'sales/products', 'report']],
    ['one key', 'sales/clean', ['sales/clean']],
    ['one level down', 'sales/raw+', ['sales/raw', 'sales/clean']],
    ['two levels down', 'sales/raw++', ['sales/raw', 'sales/clean', 'sales/daily', 'sales/products']],
    ['all downstream', 'sales/clean*', ['sales/clean', 'sales/daily', 'sales/products', 'report']],
    ['one level up', '+sales/daily', ['sales/clean', 'sales/daily']],
    ['two levels up', '++sales/daily', ['sales/raw', 'sales/clean', 'sales/daily']],
    ['all upstream', '*report', ['sales/raw', 'sales/clean', 'sales/daily', 'sales/products', 'report']],
    ['up and down', '+sales/clean+', ['sales/raw', 'sales/clean', 'sales/daily', 'sales/products']],
    ['group', 'group:reports', ['report']],
    ['tag with value', 'tag:layer=gold', ['sales/daily', 'sales/products']],
    ['tag key only', 'tag:layer', ['sales/raw', 'sales/daily', 'sales/products']],
    ['owner', 'owner:ana', ['other']],
    ['union', 'other, sales/raw+', ['other', 'sales/raw', 'sales/clean']],
  ])('%s: %s', (_name, selection, expected) => {
    expect(resolveSelection(defs, selection).sort()).toEqual([...expected].sort());
  });

  test('results come upstream first', () => {
    const order = resolveSelection(defs, '*report');
    expect(order.indexOf('sales/raw')).toBeLessThan(order.indexOf('sales/clean'));
    expect(order.indexOf('sales/daily')).toBeLessThan(order.indexOf('report'));
  });

  test('unknown names are listed with near matches', () => {
    const error = captureError(() => resolveSelection(defs, 'sales/claen+, group:sale, owner:anna'));
    expect(error).toBeInstanceOf(UnknownSelectionError);
    expect(error.message).toContain('"sales/claen" (did you mean "sales/clean"?)');
    expect(error.message).toContain('"group:sale" (did you mean "group:sales"?)');
    expect(error.message).toContain('"owner:anna" (did you mean "owner:ana"?)');
  });

  test.each([['', 'empty'], ['sales/raw+*', 'bad modifiers'], ['group:', 'no group name']])('syntax error: "%s" (%s)', (selection) => {
    expect(() => resolveSelection(defs, selection)).toThrow(SelectionSyntaxError);
  });
});


import { jsonSerializer } from '../../sdk/definitions/io/io-manager';
import { UnserializableValueError } from '../../sdk/definitions/io/unserializable-value-error';
import { dataVersionOf } from '../../sdk/definitions/io/data-version';

function refusal(value: unknown): UnserializableValueError {
  try {
    jsonSerializer.serialize(value);
  } catch (error) {
    if (error instanceof UnserializableValueError) return error;
    throw error;
  }
  throw new Error(`expected ${String(value)} to be refused`);
}

describe('the JSON serializer stores values faithfully or refuses them', () => {
  test.each([
    ['NaN', NaN, '', /NaN/],
    ['Infinity deep inside', { rows: [{ price: 1 }, { price: Infinity }] }, 'rows[1].price', /Infinity/],
    ['-Infinity under an odd key', { 'unit price': -Infinity }, '["unit price"]', /-Infinity/],
    ['undefined in an array', [1, undefined], '[1]', /undefined in an array/],
    ['a BigInt', { total: { cents: 10n } }, 'total.cents', /BigInt/],
    ['a function', () => 1, '', /function/],
  ])('%s is refused with its path', (_name, value, where, problem) => {
    const error = refusal(value);
    expect(error.path).toBe(where);
    expect(error.problem).toMatch(problem);
    expect(error.code).toBe('STRATUM_UNSERIALIZABLE_VALUE');
  });

  test('a cycle is refused, not thrown as a bare TypeError', () => {
    const node: Record<string, unknown> = { name: 'root' };
    node.self = node;
    expect(refusal(node).problem).toMatch(/cycle/);
  });

  test('undefined is stored as itself, with a data version of its own', () => {
    const nothing = jsonSerializer.serialize(undefined);
    const nul = jsonSerializer.serialize(null);
    expect(jsonSerializer.deserialize(nothing)).toBeUndefined();
    expect(jsonSerializer.deserialize(nul)).toBeNull();
    expect(dataVersionOf(nothing)).not.toBe(dataVersionOf(nul));
  });

  test('real nulls, dates and omitted properties are stored as JSON always stored them', () => {
    const value = { a: null, b: [null, 1], when: new Date(0), gone: undefined };
    expect(jsonSerializer.deserialize(jsonSerializer.serialize(value))).toEqual({ a: null, b: [null, 1], when: '1970-01-01T00:00:00.000Z' });
  });
});

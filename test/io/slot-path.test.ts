import path from 'node:path';
import { slotPath, pathSegment } from '../../sdk/definitions/io/slot-path';
import type { StorageSlot } from '../../sdk/definitions/io/io-manager';
import { partitionKeyProblem, staticPartitions } from '../../sdk/partitions';

const slot = (assetKey: string, partitionKey: string | null): StorageSlot => ({ assetKey, stepKey: assetKey, outputName: 'result', partitionKey, runId: 'run-1' });

/** Keys whose naive encodings alias each other, the unpartitioned slot or a parent folder. */
const tricky = [
  '.', '..', '...', '....', 'a/b', 'a%2Fb', '%2e', '%2E', '%2E.', '%2E%2E', '__all__', '%5F_all__', '_all__',
  'a|b', 'a%7Cb', 'a*b', 'a%2Ab', 'a b', 'a%20b', '~', '%', '%%', 'A', 'a', 'é', 'e\u0301', '日本', '😀', 'a.json', 'a.b',
  'x'.repeat(160), 'x'.repeat(161), 'x'.repeat(300), 'x'.repeat(300) + 'y', 'é'.repeat(200), 'é'.repeat(200) + 'e',
];

describe('storage paths of partition keys', () => {
  test('distinct keys of one asset get distinct paths, none of them the unpartitioned one', () => {
    const paths = [null, ...tricky].map((key) => slotPath(slot('a', key)).join('/'));
    expect(new Set(paths).size).toBe(paths.length);
  });

  test.each(tricky)('%j is one plain file name that no file system reads as a folder', (key) => {
    const segment = pathSegment(key);
    expect(segment).not.toMatch(/^\.+$/);
    expect(segment).not.toContain('/');
    expect(segment).not.toContain('\\');
    expect(segment).not.toBe('__all__');
    // The name plus `.json` and a temporary `.<uuid>.tmp` suffix stays under the usual 255-byte limit.
    expect(Buffer.byteLength(`${segment}.json.${'0'.repeat(36)}.tmp`)).toBeLessThanOrEqual(255);
    // Joining never folds the segment into its parent.
    expect(path.join('base', 'assets', 'a', segment).split(path.sep)).toEqual(['base', 'assets', 'a', segment]);
  });

  test('a["."] and a/x[".."] are different files (they used to resolve to the same one)', () => {
    const file = (assetKey: string, key: string | null) => `${path.join('/base', ...slotPath(slot(assetKey, key)))}.json`;
    const names = [file('a', '.'), file('a/x', '..'), file('a', null), file('a/x', null), file('a', '..'), file('a/x', '.')];
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name.startsWith('/base/assets/a/')).toBe(true);
  });

  test('ordinary keys keep readable names', () => {
    expect(pathSegment('2024-03-01')).toBe('2024-03-01');
    expect(pathSegment('us|2024-03-01')).toBe('us|2024-03-01');
    expect(pathSegment('2024-03-01-10:00')).toBe('2024-03-01-10%3A00');
  });
});

describe('partition key validation refuses only keys that cannot be stored', () => {
  test('dots-only keys are accepted, by static definitions too', () => {
    for (const key of ['.', '..', '%2e', 'a/b', '日本']) expect(partitionKeyProblem(key)).toBeNull();
    expect(staticPartitions(['.', '..', 'a/b']).keys()).toEqual(['.', '..', 'a/b']);
  });

  test('a key with a lone surrogate (no UTF-8 form, so no file name) is refused', () => {
    expect(partitionKeyProblem('a\uD800')).toMatch(/lone surrogate/);
    expect(() => staticPartitions(['ok', 'b\uDFFF'])).toThrow(/lone surrogate/);
    expect(partitionKeyProblem('😀')).toBeNull();
  });

  test('an empty key is refused, and has no storage segment', () => {
    expect(partitionKeyProblem('')).toMatch(/empty/);
    expect(() => pathSegment('')).toThrow(/cannot be empty/);
  });
});

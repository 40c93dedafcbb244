import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesystemIOManager } from '../../sdk/definitions/io/filesystem-io-manager';
import type { StorageSlot } from '../../sdk/definitions/io/io-manager';

const slot = (assetKey: string, partitionKey: string | null, runId = 'run-1'): StorageSlot => ({ assetKey, stepKey: assetKey, outputName: 'result', partitionKey, runId });

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath ?? e.path, e.name));
}

describe('filesystem IO manager', () => {
  // Values up to 64 KiB are written with synchronous calls, larger ones asynchronously: both keep the guarantees.
  test.each([
    ['small values (about 5 KB, written synchronously)', 200, 500],
    ['large values (about 150 KB, written asynchronously)', 40, 15_000],
  ])('many concurrent writes of one slot all succeed and leave one written value, intact: %s', async (_label, writers, rowsPerValue) => {
    const baseDir = mkdtempSync(path.join(tmpdir(), 'stratum-io-'));
    const io = filesystemIOManager({ baseDir });
    const values = Array.from({ length: writers }, (_, i) => ({ writer: i, rows: Array.from({ length: rowsPerValue }, (_, j) => `${i}-${j}`) }));
    const stored = await Promise.all(values.map((value, i) => io.store(slot('shared/asset', '2024-03-01', `run-${i}`), value)));
    expect(new Set(stored.map((s) => s.location)).size).toBe(1);
    const loaded = (await io.load(slot('shared/asset', '2024-03-01'))) as (typeof values)[number];
    expect(loaded).toEqual(values[loaded.writer]);
    // The data version on disk is the one the winning write reported.
    const bytes = await readFile(fileURLToPath(stored[0]!.location));
    expect(JSON.parse(bytes.toString())).toEqual(loaded);
    expect(stored.map((s) => s.dataVersion)).toContain(stored[loaded.writer]!.dataVersion);
    // No temporary file is left behind.
    expect(filesUnder(baseDir).map((f) => path.basename(f))).toEqual(['2024-03-01.json']);
  });

  test('a["."] and a/x[".."] are stored in distinct files and load back their own values', async () => {
    const baseDir = mkdtempSync(path.join(tmpdir(), 'stratum-io-'));
    const io = filesystemIOManager({ baseDir });
    const slots = [slot('a', '.'), slot('a/x', '..'), slot('a', null), slot('a/x', null), slot('a', '__all__'), slot('a', '%2E')];
    const stored = await Promise.all(slots.map((s, i) => io.store(s, { slot: i })));
    expect(new Set(stored.map((s) => s.location)).size).toBe(slots.length);
    for (const [i, s] of slots.entries()) expect(await io.load(s)).toEqual({ slot: i });
    for (const file of filesUnder(baseDir)) expect(path.relative(baseDir, file).startsWith(path.join('assets', 'a'))).toBe(true);
    expect(filesUnder(baseDir)).toHaveLength(slots.length);
  });

  test('storing the value a file already holds leaves the file as it is; another value of the same size replaces it', async () => {
    const baseDir = mkdtempSync(path.join(tmpdir(), 'stratum-io-'));
    const io = filesystemIOManager({ baseDir });
    const first = await io.store(slot('a', null), { n: 1 });
    const file = fileURLToPath(first.location);
    const inode = statSync(file).ino;
    expect(await io.store(slot('a', null), { n: 1 })).toEqual(first);
    expect(statSync(file).ino).toBe(inode);
    const second = await io.store(slot('a', null), { n: 2 });
    expect(second.dataVersion).not.toBe(first.dataVersion);
    expect(statSync(file).ino).not.toBe(inode);
    expect(await io.load(slot('a', null))).toEqual({ n: 2 });
    expect(filesUnder(baseDir)).toEqual([file]);
  });

  test('a value the serializer refuses leaves no file behind', async () => {
    const baseDir = mkdtempSync(path.join(tmpdir(), 'stratum-io-'));
    const io = filesystemIOManager({ baseDir });
    await expect(io.store(slot('a', null), { n: NaN })).rejects.toThrow(/n is NaN/);
    expect(await io.has(slot('a', null))).toBe(false);
  });

  test('a folder removed after the manager made it is made again by the next store', async () => {
    const baseDir = mkdtempSync(path.join(tmpdir(), 'stratum-io-'));
    const io = filesystemIOManager({ baseDir });
    await io.store(slot('sales/orders', '2024-03-01'), { day: 1 });
    rmSync(path.join(baseDir, 'assets'), { recursive: true, force: true });
    await Promise.all([io.store(slot('sales/orders', '2024-03-02'), { day: 2 }), io.store(slot('sales/orders', '2024-03-03'), { day: 3 })]);
    expect(await io.load(slot('sales/orders', '2024-03-02'))).toEqual({ day: 2 });
    expect(await io.load(slot('sales/orders', '2024-03-03'))).toEqual({ day: 3 });
    expect(await io.has(slot('sales/orders', '2024-03-01'))).toBe(false);
    expect(filesUnder(baseDir).map((f) => path.basename(f)).sort()).toEqual(['2024-03-02.json', '2024-03-03.json']);
  });
});

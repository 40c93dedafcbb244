import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

const PACKAGE_ROOT = path.resolve(__dirname, '..');

/** Every source file the workflow bundle can include: workflows/ and the pure sdk files. */
async function workflowSources(): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name.endsWith('.ts')) files.push(full);
    }
  };
  await walk(path.join(PACKAGE_ROOT, 'workflows'));
  await walk(path.join(PACKAGE_ROOT, 'sdk'));
  return files.sort();
}

/**
 * The bundled workflow code, built with webpack once per version of the workflow sources and
 * cached in `<cacheDir>/workflow-bundle-<hash>.js`, so workers start in about a second instead
 * of bundling every time.
 */
export async function workflowBundle(options: { cacheDir?: string; log?: (line: string) => void } = {}): Promise<{ codePath: string }> {
  const hash = createHash('sha256');
  for (const file of await workflowSources()) hash.update(file).update(await readFile(file));
  const cacheDir = path.resolve(options.cacheDir ?? process.env.STRATUM_CACHE_DIR ?? path.join(PACKAGE_ROOT, '.stratum', 'cache'));
  const codePath = path.join(cacheDir, `workflow-bundle-${hash.digest('hex').slice(0, 16)}.js`);
  try {
    await readFile(codePath);
    return { codePath };
  } catch {
    options.log?.('Bundling Stratum workflows (first start after a change)…');
  }
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn: (m: string) => options.log?.(m), error: (m: string) => options.log?.(m), log() {} } as any,
  });
  await mkdir(cacheDir, { recursive: true });
  const temporary = `${codePath}.${process.pid}.tmp`;
  await writeFile(temporary, code);
  await rename(temporary, codePath);
  return { codePath };
}

import * as fs from 'node:fs';
import * as path from 'node:path';

/** Whether `file` is a regular file this process may execute. */
export function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first executable file called `name` in the folders of `env.PATH`, as an absolute path, or
 * null when there is none.
 *
 * @example
 * ```ts
 * const go = findOnPath(process.platform === 'win32' ? 'go.exe' : 'go', process.env);
 * ```
 */
export function findOnPath(name: string, env: NodeJS.ProcessEnv): string | null {
  const dirs = (env['PATH'] ?? '').split(path.delimiter).filter((dir) => dir.length > 0);
  for (const dir of dirs) {
    const candidate = path.resolve(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

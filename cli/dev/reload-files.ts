import * as fs from 'node:fs';
import * as path from 'node:path';

/** Stratum's own package folder: its sources are not the user's code (in the checkout they sit under the project). */
const packageRoot = path.resolve(__dirname, '..', '..');

/**
 * The files a `stratum dev` worker reloads for: the definitions module and every module it
 * imported (read from `require.cache` after loading) under the project folder (`cwd`) or the
 * module's own folder, except `node_modules` and Stratum's own sources.
 */
export function definitionsFiles(defsFile: string, cwd: string = process.cwd()): string[] {
  const defsDir = path.dirname(defsFile);
  const inside = (file: string, dir: string) => file === dir || file.startsWith(dir + path.sep);
  const files = new Set<string>([defsFile]);
  for (const file of Object.keys(require.cache)) {
    if (!path.isAbsolute(file) || file.split(path.sep).includes('node_modules')) continue;
    if (!inside(file, cwd) && !inside(file, defsDir)) continue;
    if (inside(file, packageRoot) && !inside(file, defsDir)) continue;
    files.add(file);
  }
  return [...files].sort();
}

/**
 * Watches `files` and calls `onChange(file)` once changes have settled for `debounceMs`.
 * Each file's folder is watched (not the file), so an editor that saves by writing a new file
 * and renaming it over the old one is seen too; only changes that alter a file's size or
 * modification time count.
 */
export class DefinitionsWatcher {
  private watchers: fs.FSWatcher[] = [];
  private stamps = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private changed: string | null = null;

  constructor(
    private readonly onChange: (file: string) => void,
    private readonly debounceMs = 200,
  ) {}

  /** Replaces the watched files. */
  watch(files: readonly string[]): void {
    this.closeWatchers();
    this.stamps = new Map(files.map((f) => [f, stampOf(f)]));
    const byDir = new Map<string, Set<string>>();
    for (const file of files) {
      const dir = path.dirname(file);
      if (!byDir.has(dir)) byDir.set(dir, new Set());
      byDir.get(dir)!.add(path.basename(file));
    }
    for (const [dir, names] of byDir) {
      try {
        const watcher = fs.watch(dir, { persistent: false }, (_event, name) => {
          if (name === null) return;
          const base = name.toString();
          if (names.has(base)) this.touched(path.join(dir, base));
        });
        watcher.on('error', () => undefined);
        this.watchers.push(watcher);
      } catch {
        // A folder that vanished: nothing to watch there until the next reload.
      }
    }
  }

  /** Stops watching. */
  close(): void {
    this.closeWatchers();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private touched(file: string): void {
    const stamp = stampOf(file);
    if (stamp === this.stamps.get(file)) return;
    this.stamps.set(file, stamp);
    this.changed = file;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      const changed = this.changed!;
      this.changed = null;
      this.onChange(changed);
    }, this.debounceMs);
  }

  private closeWatchers(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }
}

function stampOf(file: string): string {
  try {
    const s = fs.statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

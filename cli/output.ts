/** Data goes to stdout; logs and progress go to stderr (so `--json` output can be piped). */
export const out = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

/** A log line on stderr. */
export const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Prints a value as one JSON document on stdout. */
export function printJson(value: unknown): void {
  out(JSON.stringify(value, null, 2));
}

/** Prints rows as an aligned text table on stdout. */
export function printTable(headers: string[], rows: (string | number | null | undefined)[][]): void {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  for (const row of cells) out(row.map((c, i) => (i === row.length - 1 ? c : (c ?? '').padEnd(widths[i]!))).join('  ').trimEnd());
}

/** `1.2 s`, `340 ms`, `2m 05s`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m ${String(Math.round((ms % 60_000) / 1_000)).padStart(2, '0')}s`;
}

/** A local ISO-like timestamp, `2024-03-01 12:00:05`. */
export function formatTime(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return '-';
  return new Date(epochMs).toISOString().replace('T', ' ').slice(0, 19);
}

/** True when progress animations make sense: stdout/stderr is a terminal and not CI. */
export function interactive(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI;
}

import * as fs from 'node:fs';

const OUTPUT_HEAD_LINES = 8;
const OUTPUT_TAIL_LINES = 30;

/**
 * The first and last lines of a process's output: a start-up error is often at the top
 * (flag errors are followed by the whole usage text), a crash at the bottom.
 */
function summarizeOutput(head: readonly string[], tail: readonly string[], total: number): string[] {
  const omitted = total - head.length - tail.length;
  if (omitted <= 0) return [...head, ...tail];
  return [...head, `… (${omitted} lines omitted)`, ...tail];
}

/** Keeps the first and last lines a process printed. */
export class OutputCapture {
  private readonly head: string[] = [];
  private readonly tail: string[] = [];
  private total = 0;
  private partial = '';

  /** Add a chunk of output (lines may span chunks). */
  push(chunk: Buffer | string): void {
    const parts = (this.partial + chunk.toString()).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.add(line);
  }

  private add(line: string): void {
    const trimmed = line.trimEnd();
    if (trimmed.length === 0) return;
    this.total += 1;
    if (this.head.length < OUTPUT_HEAD_LINES) {
      this.head.push(trimmed);
      return;
    }
    this.tail.push(trimmed);
    if (this.tail.length > OUTPUT_TAIL_LINES) this.tail.shift();
  }

  /** The first lines, a count of omitted ones, and the last lines. */
  get(): string[] {
    if (this.partial.trim()) {
      this.add(this.partial);
      this.partial = '';
    }
    return summarizeOutput(this.head, this.tail, this.total);
  }
}

/** The first and last lines written to `file` from byte `fromOffset` on (empty when unreadable). */
export function fileOutput(file: string, fromOffset: number): string[] {
  try {
    const capture = new OutputCapture();
    capture.push(fs.readFileSync(file).subarray(fromOffset));
    return capture.get();
  } catch {
    return [];
  }
}

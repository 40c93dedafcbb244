import type { LogLineInput } from '../sdk/catalog';
import type { LogLevel, StepLogger } from '../sdk/definitions/op-context';

/** A step logger that keeps lines for the catalog and echoes them to the worker's logger. */
export class BufferedStepLogger implements StepLogger {
  readonly lines: LogLineInput[] = [];

  constructor(
    private readonly where: { runId: string; stepKey: string; attempt: number },
    private readonly echo: (level: LogLevel, message: string, fields: Record<string, unknown>) => void,
  ) {}

  debug(message: string, fields?: Record<string, unknown>): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.write('error', message, fields);
  }

  private write(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ ...this.where, ts: Date.now(), level, message: String(message), fields });
    this.echo(level, message, { ...fields, runId: this.where.runId, stepKey: this.where.stepKey });
  }
}

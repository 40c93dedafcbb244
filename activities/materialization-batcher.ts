import type { Catalog, MaterializationInput } from '../sdk/catalog';

/**
 * Group commit of the catalog rows steps write: the materializations of steps that finish at
 * about the same time (a fan-out's leaves, a backfill's partitions) go to the catalog in one
 * `recordMaterializations` transaction instead of one transaction each, which on SQLite costs
 * about a tenth per row. Each step still waits for its own row to be committed before it
 * returns, so nothing is reported to Temporal before the catalog has it.
 *
 * Rows queued while a batch is being written form the next batch; a lone row is written the same
 * set-based way (about half the statements of `recordMaterialization`). When a batch fails (an
 * invalid row, an outage longer than the tolerance, a cancelled caller's wait), every step of it
 * writes its own row again with `recordMaterialization`, in its own activity context, so it
 * succeeds or fails alone, exactly as without batching.
 */
export class MaterializationBatcher {
  private queue: { input: MaterializationInput; done: (outcome: BatchOutcome) => void }[] = [];
  private flushing = false;

  constructor(private readonly catalog: Catalog) {}

  /** Records one materialization; resolves once it is committed. */
  async record(input: MaterializationInput): Promise<void> {
    const outcome = await new Promise<BatchOutcome>((resolve) => {
      this.queue.push({ input, done: resolve });
      if (!this.flushing) {
        this.flushing = true;
        // Let the steps finishing in this turn of the event loop join the batch.
        setImmediate(() => void this.flush());
      }
    });
    if (outcome.kind === 'retry-alone') await this.catalog.recordMaterialization(input);
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      let outcome: BatchOutcome = { kind: 'committed' };
      try {
        // A lone row too: the set-based write takes about half the statements of recordMaterialization.
        await this.catalog.recordMaterializations(batch.map((b) => b.input));
      } catch {
        // Retried row by row by each step, so each fails (with recordMaterialization's own error) or succeeds alone.
        outcome = { kind: 'retry-alone' };
      }
      for (const b of batch) b.done(outcome);
    }
    this.flushing = false;
  }
}

type BatchOutcome = { kind: 'committed' } | { kind: 'retry-alone' };

const batchers = new WeakMap<Catalog, MaterializationBatcher>();

/** The batcher of a catalog (one per catalog object, so every step of a worker shares it). */
export function materializationBatcher(catalog: Catalog): MaterializationBatcher {
  let batcher = batchers.get(catalog);
  if (!batcher) batchers.set(catalog, (batcher = new MaterializationBatcher(catalog)));
  return batcher;
}

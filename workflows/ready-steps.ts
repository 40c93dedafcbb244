/**
 * The steps of a run that can start, by plan position, smallest first (a binary min-heap): the
 * `materialize` workflow launches ready steps in plan order, as it always has, without scanning
 * the whole plan each time a step settles.
 */
export class ReadySteps {
  private readonly heap: number[] = [];

  /** Ready steps held. */
  get size(): number {
    return this.heap.length;
  }

  /** Adds the step at plan position `position`. */
  push(position: number): void {
    const heap = this.heap;
    heap.push(position);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]! <= heap[i]!) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  /** Removes and returns the smallest position, or undefined when none is ready. */
  pop(): number | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && heap[left]! < heap[smallest]!) smallest = left;
        if (right < heap.length && heap[right]! < heap[smallest]!) smallest = right;
        if (smallest === i) break;
        [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
        i = smallest;
      }
    }
    return top;
  }
}

import type { BackfillGrouping, BackfillPartitions, BackfillUnit } from '../protocol/backfill';
import type { Definitions } from '../definitions/definitions';
import type { StepSpec } from '../definitions/step-spec';
import { InvalidRunRequestError } from '../errors';
import { defaultMappingFor, samePartitions, type PartitionContext, type PartitionsDefinition } from '../partitions';
import type { Plan, PlanPartitionRange } from '../protocol/plan';
import { definitionsHash } from './definitions-hash';
import { backfillKeysFor } from './backfill-keys';
import { longestKeyBytes, rangeStepLimit } from './range-step-limit';

/** One asset partition of a backfill: a step × a partition (or a range under a backfill policy, or the unpartitioned asset). */
export interface BackfillNode {
  /** Position in the graph: steps in plan order, each step's partitions in order (so a step's nodes are contiguous). */
  index: number;
  step: string;
  /** Index of the step's partitions definition among the backfill's distinct ones; -1 when unpartitioned. */
  definition: number;
  label: string | null;
  partitionKey: string | null;
  partitionRange: PlanPartitionRange | null;
  /** The partition keys it covers (empty when unpartitioned). */
  keys: string[];
  /** Nodes of the backfill it reads (through its inputs' and deps' partition mappings). */
  reads: number[];
}

/** A backfill planned as a graph of asset partitions grouped into child runs. */
export interface BackfillGraph {
  nodes: BackfillNode[];
  /** Child runs in dependency order (every unit reads only nodes of earlier units). */
  units: BackfillUnit[];
  /** The asset step each check step of the plan follows. */
  checkOwner: Map<string, string>;
}

/**
 * Plans a backfill as a graph of asset partitions: one node per selected step and partition of
 * its own partitions definition (daily, weekly and unpartitioned assets mix: see
 * {@link backfillKeysFor} for which partitions each gets), edges from the partition mappings of
 * its inputs and deps, then groups nodes into child runs (units).
 *
 * `asset-partition` grouping: in dependency order, a node joins the unit of a node it reads of
 * the same partition when everything else it reads is in that unit or already awaited by it; so
 * a unit waits for exactly what its first node waits for, and no node starts later than the
 * partitions it reads allow. A node reading another partition (its own previous day, a week's
 * days) starts a unit of its own. `partition` grouping: one unit per partitions definition and
 * partition, as backfills ran before.
 *
 * A step with a backfill policy covers a range per node (`singleRunBackfill()`: the whole
 * backfill; `multiRunBackfill(n)`: n partitions), but never more partitions than its result can
 * list within Temporal's payload limit (`rangeStepLimit`, about 4,000 daily partitions for a
 * typical asset): a longer range is split into nodes of at most that many, the same for every
 * step of one partitions definition.
 *
 * @throws InvalidRunRequestError for unknown keys, a reversed range, or (`partition` grouping) units that would wait for each other.
 */
export function backfillGraph(definitions: Definitions, plan: Plan, request: { partitions: BackfillPartitions; grouping: BackfillGrouping }, ctx: PartitionContext): BackfillGraph {
  const nodeSteps = plan.steps.filter((s) => s.kind !== 'check');
  const specs = nodeSteps.map((s) => definitions.steps.get(s.key)!);
  const distinct: PartitionsDefinition[] = [];
  const definitionOf = (p: PartitionsDefinition | null) => {
    if (p === null) return -1;
    let i = distinct.findIndex((d) => samePartitions(d, p));
    if (i < 0) i = distinct.push(p) - 1;
    return i;
  };
  const partitioned = specs.map((s) => s.partitions).filter((p): p is PartitionsDefinition => p !== null);
  const keysByDefinition = new Map<number, string[]>();
  // The most partitions per range step of one partitions definition: the smallest limit among its
  // steps with a backfill policy, so steps of one definition keep the same ranges (and units).
  const capByDefinition = new Map<number, number>();
  const rangeStepsCap = (definition: number, partitions: PartitionsDefinition, keys: readonly string[]): number => {
    let cap = capByDefinition.get(definition);
    if (cap === undefined) {
      const keyBytes = longestKeyBytes(keys);
      cap = Math.min(
        ...specs.filter((s) => s.backfillPolicy !== null && s.partitions !== null && samePartitions(s.partitions, partitions)).map((s) => rangeStepLimit(definitions, s, keyBytes).maxPartitions),
      );
      capByDefinition.set(definition, cap);
    }
    return cap;
  };

  // Nodes, step by step.
  const nodes: BackfillNode[] = [];
  const stepNodes = new Map<string, { first: number; byKey: Map<string, number>; spec: StepSpec }>();
  for (const spec of specs) {
    const definition = definitionOf(spec.partitions);
    const first = nodes.length;
    const byKey = new Map<string, number>();
    if (spec.partitions === null) {
      nodes.push({ index: first, step: spec.key, definition, label: null, partitionKey: null, partitionRange: null, keys: [], reads: [] });
    } else {
      let keys = keysByDefinition.get(definition);
      if (!keys) keysByDefinition.set(definition, (keys = backfillKeysFor(spec.partitions, partitioned, request.partitions, ctx)));
      const policy = spec.backfillPolicy;
      // A range step returns a record per partition: a range past what its result can hold is split (see rangeStepsCap).
      const wanted = policy === null ? 1 : policy.kind === 'single-run' ? Math.max(1, keys.length) : policy.maxPartitionsPerRun;
      const chunk = policy === null ? 1 : Math.min(wanted, rangeStepsCap(definition, spec.partitions, keys));
      for (let i = 0; i < keys.length; i += chunk) {
        const chunkKeys = keys.slice(i, i + chunk);
        const index = nodes.length;
        const from = chunkKeys[0]!;
        const to = chunkKeys[chunkKeys.length - 1]!;
        const ranged = policy !== null;
        nodes.push({
          index,
          step: spec.key,
          definition,
          label: ranged && from !== to ? `${from}...${to}` : from,
          partitionKey: ranged ? null : from,
          partitionRange: ranged ? { from, to } : null,
          keys: chunkKeys,
          reads: [],
        });
        for (const k of chunkKeys) byKey.set(k, index);
      }
    }
    stepNodes.set(spec.key, { first, byKey, spec });
  }
  if (nodes.length === 0) throw new InvalidRunRequestError('The backfill covers no partitions of the selected assets; check --from/--to, --partitions or the selection.');

  // Edges from the partition mappings.
  for (const spec of specs) {
    const own = stepNodes.get(spec.key)!;
    const count = spec.partitions === null ? 1 : new Set(own.byKey.values()).size;
    const sources: { step: string; read: (node: BackfillNode) => (string | null)[] }[] = [];
    for (const source of Object.values(spec.inputs)) {
      if (source.kind === 'step') {
        if (stepNodes.has(source.stepKey)) sources.push({ step: source.stepKey, read: (n) => (n.keys.length ? n.keys : [null]) });
      }
    }
    const assetSources = [
      ...Object.values(spec.inputs).flatMap((source) => (source.kind === 'asset' ? [{ assetKey: source.assetKey, mapping: source.mapping }] : [])),
      ...spec.deps,
    ];
    for (const up of assetSources) {
      const upNode = definitions.assetNodes.get(up.assetKey);
      if (!upNode || !stepNodes.has(upNode.stepKey)) continue;
      const upSpec = stepNodes.get(upNode.stepKey)!.spec;
      const mapping = up.mapping ?? defaultMappingFor(upSpec.partitions, spec.partitions);
      const defs = { upstream: upSpec.partitions, downstream: spec.partitions };
      sources.push({
        step: upNode.stepKey,
        read: (n) => {
          if (upSpec.partitions === null) return [null];
          const upstream = n.keys.length === 0 ? mapping.upstreamKeysFor(null, defs, ctx) : n.keys.length === 1 ? mapping.upstreamKeysFor(n.keys[0]!, defs, ctx) : mapping.upstreamKeysForKeys(n.keys, defs, ctx);
          return upstream.keys;
        },
      });
    }
    for (let i = own.first; i < own.first + count; i++) {
      const node = nodes[i]!;
      const reads = new Set<number>();
      for (const source of sources) {
        const target = stepNodes.get(source.step)!;
        for (const key of source.read(node)) {
          const index = key === null ? (target.spec.partitions === null ? target.first : undefined) : target.byKey.get(key);
          if (index !== undefined && index !== node.index) reads.add(index);
        }
      }
      node.reads = [...reads].sort((a, b) => a - b);
    }
  }

  const order = topologicalOrder(nodes, distinct);
  const members = request.grouping === 'partition' ? groupByPartition(nodes) : groupByAssetPartition(nodes, order);
  const checkOwner = new Map<string, string>();
  for (const step of plan.steps) {
    const owner = step.checkOf ? definitions.assetNodes.get(step.checkOf.assetKey)?.stepKey : undefined;
    if (owner) checkOwner.set(step.key, owner);
  }
  return { nodes, units: toUnits(definitions, nodes, members, checkOwner), checkOwner };
}

/** Nodes in dependency order, earliest partitions first (so a window of units holds work that can run). */
function topologicalOrder(nodes: BackfillNode[], distinct: PartitionsDefinition[]): number[] {
  const rank = nodes.map((n) => {
    if (n.definition < 0) return -Infinity;
    const def = distinct[n.definition]!;
    return def.kind === 'time-window' ? def.timeWindowForKey(n.keys[0]!).start.getTime() : n.index;
  });
  const before = (a: number, b: number) => rank[a]! < rank[b]! || (rank[a] === rank[b] && a < b);
  return kahn(
    nodes.length,
    nodes.map((n) => n.reads),
    before,
    () => new InvalidRunRequestError('The selected assets read each other in a cycle through their partition mappings; the backfill cannot order them.'),
  );
}

/** Kahn's algorithm with a priority (a binary heap ordered by `before`). */
function kahn(count: number, deps: number[][], before: (a: number, b: number) => boolean, cycle: () => Error): number[] {
  const waiting = deps.map((d) => d.length);
  const dependents: number[][] = Array.from({ length: count }, () => []);
  deps.forEach((d, i) => d.forEach((j) => dependents[j]!.push(i)));
  const heap: number[] = [];
  const push = (x: number) => {
    heap.push(x);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };
  const pop = () => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  };
  for (let i = 0; i < count; i++) if (waiting[i] === 0) push(i);
  const order: number[] = [];
  while (heap.length > 0) {
    const x = pop();
    order.push(x);
    for (const d of dependents[x]!) if (--waiting[d]! === 0) push(d);
  }
  if (order.length !== count) throw cycle();
  return order;
}

/** Units as lists of node indexes, in dependency order (a unit's first node comes first in `order`). */
function groupByAssetPartition(nodes: BackfillNode[], order: number[]): number[][] {
  const unitOf = new Int32Array(nodes.length).fill(-1);
  const units: { members: number[]; awaits: Set<number> }[] = [];
  for (const i of order) {
    const node = nodes[i]!;
    let joined = -1;
    for (const r of node.reads) {
      const candidate = unitOf[r]!;
      const root = nodes[units[candidate]!.members[0]!]!;
      if (root.label !== node.label || root.definition !== node.definition) continue;
      const unit = units[candidate]!;
      if (node.reads.every((x) => unitOf[x] === candidate || unit.awaits.has(x))) {
        joined = candidate;
        break;
      }
    }
    if (joined < 0) {
      joined = units.push({ members: [], awaits: new Set(node.reads) }) - 1;
    }
    units[joined]!.members.push(i);
    unitOf[i] = joined;
  }
  return units.map((u) => u.members);
}

/** One unit per partitions definition and partition (the grouping of earlier versions), in dependency order. */
function groupByPartition(nodes: BackfillNode[]): number[][] {
  const byLabel = new Map<string, number[]>();
  for (const n of nodes) {
    const key = `${n.definition}|${n.label ?? ''}`;
    const list = byLabel.get(key);
    if (list) list.push(n.index);
    else byLabel.set(key, [n.index]);
  }
  const groups = [...byLabel.values()];
  const unitOf = new Int32Array(nodes.length);
  groups.forEach((g, u) => g.forEach((i) => (unitOf[i] = u)));
  const deps = groups.map((g, u) => [...new Set(g.flatMap((i) => nodes[i]!.reads.map((r) => unitOf[r]!)))].filter((d) => d !== u));
  const first = groups.map((g) => Math.min(...g));
  const order = kahn(
    groups.length,
    deps,
    (a, b) => first[a]! < first[b]!,
    () => new InvalidRunRequestError('With `partition` grouping the child runs would wait for each other (a daily asset reads a weekly one of the same week); use the default grouping.'),
  );
  return order.map((u) => groups[u]!.sort((a, b) => a - b));
}

function toUnits(definitions: Definitions, nodes: BackfillNode[], groups: number[][], checkOwner: Map<string, string>): BackfillUnit[] {
  const labelCount = new Map<string, number>();
  for (const g of groups) {
    const label = nodes[g[0]!]!.label ?? 'unpartitioned';
    labelCount.set(label, (labelCount.get(label) ?? 0) + 1);
  }
  const checksOf = new Map<string, string[]>();
  for (const [check, owner] of checkOwner) checksOf.set(owner, [...(checksOf.get(owner) ?? []), check]);
  const hashes = new Map<string, string>();
  return groups.map((members) => {
    const root = nodes[members[0]!]!;
    const inUnit = new Set(members);
    const reads = [...new Set(members.flatMap((m) => nodes[m]!.reads))].filter((r) => !inUnit.has(r)).sort((a, b) => a - b);
    const steps = members.flatMap((m) => [nodes[m]!.step, ...(checksOf.get(nodes[m]!.step) ?? [])]);
    const label = root.label ?? 'unpartitioned';
    const hashKey = steps.join('\n');
    let hash = hashes.get(hashKey);
    if (hash === undefined) hashes.set(hashKey, (hash = definitionsHash(definitions, steps)));
    return {
      id: labelCount.get(label)! > 1 ? `${label}/${root.step}` : label,
      label: root.label,
      partitionKey: root.partitionKey,
      partitionRange: root.partitionRange,
      steps,
      nodes: members.map((m) => ({ index: m, step: nodes[m]!.step })),
      after: toRanges(reads),
      definitionsHash: hash,
    };
  });
}

/** Sorted indexes as inclusive `[first, last]` runs. */
export function toRanges(sorted: readonly number[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (const x of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && last[1] === x - 1) last[1] = x;
    else ranges.push([x, x]);
  }
  return ranges;
}

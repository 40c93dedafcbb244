import type { Definitions } from './definitions';
import { SelectionSyntaxError, UnknownSelectionError } from '../errors';
import { suggestSimilar } from '../errors/suggest';

/** One parsed term of a selection. */
export type SelectionTerm =
  | { kind: 'all' }
  | { kind: 'key'; key: string; up: number; down: number }
  | { kind: 'group'; group: string }
  | { kind: 'tag'; key: string; value: string | null }
  | { kind: 'owner'; owner: string };

const KEY = /^[A-Za-z_][A-Za-z0-9_\-/]*$/;

/**
 * Parses Stratum's asset selection syntax (Dagster's):
 * `*` everything; `key`; `key+` / `key++` one or two levels downstream; `+key` / `++key`
 * upstream; `key*` / `*key` everything down/upstream; `group:NAME`; `tag:K=V` (or `tag:K`);
 * `owner:X`; several terms joined by commas are a union.
 *
 * @throws SelectionSyntaxError naming the term that does not parse.
 */
export function parseSelection(selection: string): SelectionTerm[] {
  const terms = selection.split(',').map((t) => t.trim());
  if (terms.every((t) => t === '')) throw new SelectionSyntaxError('The selection is empty. Select assets with "*", a key such as "orders", "orders+", "group:sales", or several joined by commas.');
  return terms.filter((t) => t !== '').map(parseTerm);
}

function parseTerm(term: string): SelectionTerm {
  if (term === '*') return { kind: 'all' };
  const prefixed = /^(group|tag|owner):(.*)$/.exec(term);
  if (prefixed) {
    const [, kind, rest] = prefixed as unknown as [string, 'group' | 'tag' | 'owner', string];
    if (rest === '') throw new SelectionSyntaxError(`Selection term "${term}" needs a value after "${kind}:", e.g. "${kind}:${kind === 'tag' ? 'tier=gold' : 'sales'}".`);
    if (kind === 'group') return { kind, group: rest };
    if (kind === 'owner') return { kind, owner: rest };
    const eq = rest.indexOf('=');
    return eq < 0 ? { kind: 'tag', key: rest, value: null } : { kind: 'tag', key: rest.slice(0, eq), value: rest.slice(eq + 1) };
  }
  const match = /^(\*|\+*)(.*?)(\*|\+*)$/.exec(term)!;
  const [, before = '', key = '', after = ''] = match;
  if (!KEY.test(key)) {
    throw new SelectionSyntaxError(
      `Selection term "${term}" does not parse. Write an asset key with optional "+" (one level per "+") or "*" (all levels) before (upstream) or after (downstream) it, or group:NAME, tag:K=V, owner:X.`,
    );
  }
  const depth = (mod: string) => (mod === '*' ? Infinity : mod.length);
  return { kind: 'key', key, up: depth(before), down: depth(after) };
}

/**
 * The asset keys a selection picks from `defs`, in topological order.
 *
 * @throws UnknownSelectionError listing every unknown key, group, tag or owner with near matches.
 */
export function resolveSelection(defs: Definitions, selection: string): string[] {
  const picked = new Set<string>();
  const unknown: { term: string; suggestions: string[] }[] = [];
  const nodes = [...defs.assetNodes.values()];
  for (const term of parseSelection(selection)) {
    switch (term.kind) {
      case 'all':
        nodes.forEach((n) => picked.add(n.key));
        break;
      case 'key': {
        if (!defs.assetNodes.has(term.key)) {
          unknown.push({ term: term.key, suggestions: suggestSimilar(term.key, defs.assetNodes.keys()) });
          continue;
        }
        picked.add(term.key);
        defs.assetGraph.closure(term.key, 'up', term.up).forEach((k) => picked.add(k));
        defs.assetGraph.closure(term.key, 'down', term.down).forEach((k) => picked.add(k));
        break;
      }
      case 'group': {
        const groups = new Set(nodes.map((n) => n.group));
        if (!groups.has(term.group)) {
          unknown.push({ term: `group:${term.group}`, suggestions: suggestSimilar(term.group, groups).map((g) => `group:${g}`) });
          continue;
        }
        nodes.filter((n) => n.group === term.group).forEach((n) => picked.add(n.key));
        break;
      }
      case 'tag': {
        const matches = nodes.filter((n) => term.key in n.tags && (term.value === null || n.tags[term.key] === term.value));
        if (matches.length === 0) {
          const tags = nodes.flatMap((n) => Object.entries(n.tags).map(([k, v]) => `${k}=${v}`));
          unknown.push({ term: `tag:${term.key}${term.value === null ? '' : `=${term.value}`}`, suggestions: suggestSimilar(`${term.key}=${term.value ?? ''}`, tags).map((t) => `tag:${t}`) });
          continue;
        }
        matches.forEach((n) => picked.add(n.key));
        break;
      }
      case 'owner': {
        const matches = nodes.filter((n) => n.owners.includes(term.owner));
        if (matches.length === 0) {
          unknown.push({ term: `owner:${term.owner}`, suggestions: suggestSimilar(term.owner, nodes.flatMap((n) => n.owners)).map((o) => `owner:${o}`) });
          continue;
        }
        matches.forEach((n) => picked.add(n.key));
        break;
      }
    }
  }
  if (unknown.length > 0) {
    const keys = [...defs.assetNodes.keys()];
    throw new UnknownSelectionError(
      unknown,
      keys.length === 0
        ? 'These definitions have no assets.'
        : `Known assets: ${keys.slice(0, 12).join(', ')}${keys.length > 12 ? `, … (${keys.length} in all; \`stratum assets list\` shows them)` : ''}.`,
    );
  }
  return defs.assetGraph.topologicalOrder().filter((k) => picked.has(k));
}

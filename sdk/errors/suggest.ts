/** Levenshtein distance between two strings. */
function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/**
 * Candidates close to `word` (as commander's `suggestSimilar`): small edit distance relative to
 * length, or a candidate that contains the word; only the closest ones, at most three.
 */
export function suggestSimilar(word: string, candidates: Iterable<string>): string[] {
  const lower = word.toLowerCase();
  const scored: { candidate: string; distance: number }[] = [];
  for (const candidate of new Set(candidates)) {
    const distance = editDistance(lower, candidate.toLowerCase());
    const close = distance <= Math.max(1, Math.floor(Math.max(word.length, candidate.length) * 0.4));
    const contains = lower.length >= 3 && candidate.toLowerCase().includes(lower);
    if (close || contains) scored.push({ candidate, distance: contains ? Math.min(distance, 1) : distance });
  }
  const best = Math.min(...scored.map((s) => s.distance));
  return scored
    .filter((s) => s.distance === best)
    .sort((x, y) => x.candidate.localeCompare(y.candidate))
    .slice(0, 3)
    .map((s) => s.candidate);
}

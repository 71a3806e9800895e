/** String helpers behind the name lookups: normalisation, edit distance, nearest names. */

/**
 * Lower case, accents and apostrophes dropped, dots dropped (so "D.C." is "dc") except inside
 * numbers (so "rcp 4.5" keeps its dot), every other non-alphanumeric run turned into one space.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/&/g, ' and ')
    .replace(/(?<!\d)\.|\.(?!\d)/g, '')
    .replace(/[^a-z0-9.]+/g, ' ')
    .trim();
}

/**
 * Optimal-string-alignment distance: insertions, deletions, substitutions and transpositions of
 * two adjacent letters each cost 1, so the common typo "yrok" is one edit from "york".
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rolling rows: the transposition step looks two rows back.
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, prev2[j - 2]! + 1);
      }
      row.push(d);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * How many edits a misspelling of this length may contain and still count as the name:
 * none up to 5 letters (so "main" or "maize" never becomes Maine), one up to 9, two beyond.
 */
export function allowedEdits(length: number): number {
  if (length <= 5) return 0;
  if (length <= 9) return 1;
  return 2;
}

/**
 * The n candidates nearest to `text` (case, accents and punctuation ignored), nearest first; ties
 * keep the candidates' order. It always returns n names when there are n candidates, close or not:
 * it is for listing choices in an error message, not for deciding what the user meant.
 */
export function closestMatches(text: string, candidates: readonly string[], n = 3): string[] {
  const t = normalizeText(text);
  const scored = candidates.map((candidate, index) => {
    const c = normalizeText(candidate);
    const distance = editDistance(t, c);
    // A candidate that starts with or contains what was typed is nearer than its distance says.
    const contains = t.length > 0 && c.includes(t) ? 1 : 0;
    const starts = t.length > 0 && c.startsWith(t) ? 1 : 0;
    const score = distance / Math.max(t.length, c.length, 1) - 0.25 * contains - 0.25 * starts;
    return { candidate, index, score };
  });
  scored.sort((x, y) => x.score - y.score || x.index - y.index);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const { candidate } of scored) {
    if (out.length >= n) break;
    if (seen.has(candidate)) continue;
    seen.add(candidate);
    out.push(candidate);
  }
  return out;
}

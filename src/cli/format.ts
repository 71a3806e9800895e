import Table from 'cli-table3';

const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

/** A plain aligned table for the terminal; no header row when `head` is empty. */
export function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({ head, chars: COMPACT, style: { head: [], border: [] } });
  t.push(...rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c))));
  return t.toString();
}

/** 1234567.8 -> "1,234,568"; small numbers keep up to 2 decimals. */
export function formatNumber(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: Math.abs(n) >= 100 ? 0 : 2 });
}

/** Acres in a readable unit: 1.67 billion, 41.2 million, 12,345. */
export function formatAcres(acres: number): string {
  const abs = Math.abs(acres);
  if (abs >= 1e9) return `${(acres / 1e9).toFixed(2)} billion acres`;
  if (abs >= 1e6) return `${(acres / 1e6).toFixed(1)} million acres`;
  return `${formatNumber(acres)} acres`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1 << 30) return `${(bytes / (1 << 30)).toFixed(2)} GiB`;
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/**
 * A result cell for a terminal table: numbers and text as they are (numbers get thousands
 * separators in `table`), other values as JSON. A year is a name, not an amount: "2012", never
 * "2,012".
 */
export function cellText(v: unknown, column = ''): string | number {
  if (typeof v === 'number' && Number.isInteger(v) && /year/i.test(column)) return String(v);
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  return JSON.stringify(v);
}

/**
 * The answers' markdown for a terminal: **bold** as bold and _italics_ dimmed at a terminal, the
 * markers dropped elsewhere (a pipe or a file gets plain text).
 */
export function renderMarkdown(text: string, tty: boolean): string {
  return text
    .replace(/\*\*(.+?)\*\*/g, (_, s: string) => (tty ? `\u001b[1m${s}\u001b[22m` : s))
    .replace(/(^|\s)_(.+?)_(?=[\s.,;:!?]|$)/g, (_, pre: string, s: string) =>
      tty ? `${pre}\u001b[2m${s}\u001b[22m` : `${pre}${s}`,
    );
}

/**
 * Streams markdown to a terminal a line at a time: text arrives in pieces that may split a
 * **marker**, so each line is rendered once it is whole, and the rest when the answer ends.
 */
export function markdownStream(
  write: (s: string) => void,
  tty: boolean,
): { push: (piece: string) => void; end: () => void } {
  let pending = '';
  return {
    push(piece) {
      pending += piece;
      const cut = pending.lastIndexOf('\n');
      if (cut < 0) return;
      write(renderMarkdown(pending.slice(0, cut + 1), tty));
      pending = pending.slice(cut + 1);
    },
    end() {
      if (pending) write(renderMarkdown(pending, tty));
      pending = '';
    },
  };
}

/** An answer's sources under it: "Sources:" and one line per document section with its address. */
export function sourcesText(
  sources: readonly { title: string; section: string; ref: string }[],
): string {
  if (sources.length === 0) return '';
  return `Sources:\n${sources.map((s, i) => `  [${i + 1}] ${s.title}: ${s.section} (${s.ref})`).join('\n')}`;
}

/** Numbers as people read them: 48,999,997 acres, 49.0 M, 4.1 %. */

export function formatNumber(v: number, digits?: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  const d = digits ?? (abs >= 1000 || Number.isInteger(v) ? 0 : abs >= 10 ? 1 : 2);
  return v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 });
}

export function formatCompact(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e9) return `${(v / 1e9).toFixed(2)} B`;
  if (abs >= 1e6) return `${(v / 1e6).toFixed(1)} M`;
  if (abs >= 1e4) return `${(v / 1e3).toFixed(0)} K`;
  return formatNumber(v);
}

export function formatCell(v: unknown, column = ''): string {
  if (v === null || v === undefined) return '';
  // Years and codes are read as they are: 2050, not 2,050.
  if (typeof v === 'number' && /(^|_)(year|id|fips|rank)$/.test(column)) return String(v);
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** Column names as words: `state_name` -> `state name`. */
export const label = (column: string) => column.replace(/_/g, ' ');

export function toCsv(columns: string[], rows: Record<string, unknown>[]): string {
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return '';
    const s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return (
    [
      columns.map(cell).join(','),
      ...rows.map((r) => columns.map((c) => cell(r[c])).join(',')),
    ].join('\r\n') + '\r\n'
  );
}

/** Saves text or a blob as a file through a temporary link. */
export function download(
  filename: string,
  content: Blob | string,
  type = 'text/csv;charset=utf-8',
) {
  const blob = typeof content === 'string' ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60) || 'table';

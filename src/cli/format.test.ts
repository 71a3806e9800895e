import { describe, expect, it } from 'vitest';
import { cellText, markdownStream, renderMarkdown, table } from './format.ts';

describe('terminal formatting', () => {
  it('prints years as years and amounts with separators', () => {
    const out = table(
      ['year', 'start_year', 'acres'],
      [[cellText(2012, 'year'), cellText(2020, 'start_year'), cellText(1234567, 'acres')]],
    );
    expect(out).toContain('2012');
    expect(out).toContain('2020');
    expect(out).not.toContain('2,012');
    expect(out).toContain('1,234,567');
  });

  it('renders bold and italics at a terminal and drops the markers elsewhere', () => {
    const md = '**Fulton, GA** leads.\n\n_Demo data: modelled values._';
    expect(renderMarkdown(md, false)).toBe('Fulton, GA leads.\n\nDemo data: modelled values.');
    expect(renderMarkdown(md, true)).toBe(
      '\u001b[1mFulton, GA\u001b[22m leads.\n\n\u001b[2mDemo data: modelled values.\u001b[22m',
    );
  });

  it('streams markdown a line at a time, whatever the pieces split', () => {
    let written = '';
    const out = markdownStream((s) => (written += s), false);
    for (const piece of ['**Ful', 'ton, GA** le', 'ads.\n_Demo', ' data._']) out.push(piece);
    expect(written).toBe('Fulton, GA leads.\n');
    out.end();
    expect(written).toBe('Fulton, GA leads.\nDemo data.');
  });
});

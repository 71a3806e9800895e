/**
 * A knowledge document as a small HTML page: the subset of markdown the documents use (headings,
 * paragraphs, lists, `code`, **bold**, bare https:// links), every character of the text escaped
 * first, so nothing in a document can become markup or script. Sections carry their anchors
 * (`id`), the targets of the chat's source links.
 */
import { slugify, type KnowledgeDocument } from './documents.ts';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Inline marks over escaped text: code spans, bold, and links to http(s) addresses. */
function inline(text: string): string {
  return escapeHtml(text)
    .split(/(`[^`]+`)/)
    .map((part) => {
      if (/^`[^`]+`$/.test(part)) return `<code>${part.slice(1, -1)}</code>`;
      return part
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        .replace(
          /\bhttps?:\/\/[^\s<]+[^\s<.,;:)]/g,
          (url) => `<a href="${url}" rel="noopener noreferrer">${url}</a>`,
        );
    })
    .join('');
}

/** The body of a document: blocks separated by blank lines, list items by "- ". */
function blocks(markdown: string): string {
  const out: string[] = [];
  let paragraph: string[] = [];
  let list: string[] | undefined;
  const flush = () => {
    if (paragraph.length) out.push(`<p>${inline(paragraph.join(' '))}</p>`);
    paragraph = [];
    if (list) out.push(`<ul>${list.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`);
    list = undefined;
  };
  for (const raw of markdown.split('\n')) {
    const line = raw.trim();
    const heading = /^(#{1,3})\s+(.+)$/.exec(line);
    if (heading) {
      flush();
      const level = heading[1]!.length;
      const text = heading[2]!;
      const id = level === 2 ? ` id="${slugify(text)}"` : '';
      out.push(`<h${level}${id}>${inline(text)}</h${level}>`);
    } else if (line.startsWith('- ')) {
      if (paragraph.length) flush();
      (list ??= []).push(line.slice(2));
    } else if (line === '') {
      flush();
    } else if (list) {
      // A list item's continuation line.
      list[list.length - 1] += ` ${line}`;
    } else {
      paragraph.push(line);
    }
  }
  flush();
  return out.join('\n');
}

const STYLE = `body{font:16px/1.6 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1f2933}
h1{font-size:1.7rem;line-height:1.25}h2{font-size:1.2rem;margin-top:2rem}
code{background:#f0f2f4;padding:0 .25em;border-radius:3px}a{color:#1d5c96}
nav{font-size:.9rem;border-bottom:1px solid #d9dee3;padding-bottom:.5rem}nav a{margin-right:.8rem}
h2:target{background:#fff6d5}`;

/** The whole page of a document, with links to the other documents and back to the app. */
export function renderDocumentHtml(
  doc: KnowledgeDocument,
  all: readonly KnowledgeDocument[],
): string {
  const nav = all
    .map((d) =>
      d.id === doc.id
        ? `<strong>${escapeHtml(d.title)}</strong>`
        : `<a href="/knowledge/${encodeURIComponent(d.id)}">${escapeHtml(d.title)}</a>`,
    )
    .join(' ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.title)} · RPA Land Use Analytics knowledge base</title>
<style>${STYLE}</style>
</head>
<body>
<nav aria-label="Knowledge base"><a href="/">RPA Land Use Analytics</a> ${nav}</nav>
<main>
${blocks(doc.markdown)}
</main>
</body>
</html>
`;
}

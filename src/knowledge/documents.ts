/**
 * The knowledge base's documents: the markdown files under knowledge/ (they ship with the
 * package; nothing is fetched), each read into its title, introduction, `##` sections and the
 * references of its "Sources" section.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AppError } from '../domain/index.ts';

/** knowledge/ at the root of the package. */
export const KNOWLEDGE_DIR = join(import.meta.dirname, '..', '..', 'knowledge');

/** The heading of the section that lists a document's references. */
export const SOURCES_HEADING = 'Sources';

/** One `##` section of a document. */
export interface KnowledgeSection {
  heading: string;
  /** The anchor of the section: its heading in lower case, words joined by hyphens. */
  slug: string;
  /** The section's markdown, without its heading. */
  body: string;
}

/** One markdown document of knowledge/. */
export interface KnowledgeDocument {
  /** The file name without `.md`: the document's address under /knowledge/. */
  id: string;
  title: string;
  /** The paragraphs between the title and the first section. */
  intro: string;
  sections: KnowledgeSection[];
  /** The list items of the "Sources" section: the publications the document draws on. */
  sources: string[];
  /** The file's text as written. */
  markdown: string;
}

/** A heading's anchor, as GitHub and most renderers make it: "High-Low (HL): A Rocky Road" -> "high-low-hl-a-rocky-road". */
export function slugify(heading: string): string {
  return heading
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .trim()
    .replace(/\s+/g, '-');
}

/** Reads one document's markdown; `id` names it in errors. */
export function parseDocument(id: string, markdown: string): KnowledgeDocument {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const titleAt = lines.findIndex((l) => l.trim() !== '');
  const title = /^#\s+(.+)$/.exec(lines[titleAt]?.trim() ?? '')?.[1]?.trim();
  if (titleAt < 0 || !title) {
    throw new AppError(
      'knowledge:bad_document',
      `knowledge/${id}.md must start with a "# Title" line.`,
    );
  }
  const sections: KnowledgeSection[] = [];
  const intro: string[] = [];
  let current: { heading: string; lines: string[] } | undefined;
  const close = () => {
    if (!current) return;
    const body = current.lines.join('\n').trim();
    if (!body) {
      throw new AppError(
        'knowledge:bad_document',
        `knowledge/${id}.md: the section "${current.heading}" is empty.`,
      );
    }
    sections.push({ heading: current.heading, slug: slugify(current.heading), body });
  };
  for (const line of lines.slice(titleAt + 1)) {
    const heading = /^##\s+(.+?)\s*$/.exec(line)?.[1];
    if (heading) {
      close();
      current = { heading, lines: [] };
    } else if (current) current.lines.push(line);
    else intro.push(line);
  }
  close();
  if (sections.length === 0) {
    throw new AppError('knowledge:bad_document', `knowledge/${id}.md has no "## " sections.`);
  }
  const slugs = new Set<string>();
  for (const s of sections) {
    if (slugs.has(s.slug)) {
      throw new AppError(
        'knowledge:bad_document',
        `knowledge/${id}.md has two sections with the anchor #${s.slug}.`,
      );
    }
    slugs.add(s.slug);
  }
  const sourceSection = sections.find((s) => s.heading === SOURCES_HEADING);
  const sources = (sourceSection?.body ?? '')
    .split(/\n(?=- )/)
    .map((item) => item.replace(/^-\s+/, '').replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  return { id, title, intro: intro.join('\n').trim(), sections, sources, markdown };
}

/**
 * Every document of a directory (knowledge/ by default), in file-name order. A directory without
 * documents, or a document without a title or sections, is an AppError naming the file.
 */
export function loadDocuments(dir: string = KNOWLEDGE_DIR): KnowledgeDocument[] {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.md') && f.toLowerCase() !== 'readme.md')
      .sort();
  } catch (error) {
    throw new AppError('knowledge:missing', `The knowledge base directory ${dir} cannot be read.`, {
      cause: error,
    });
  }
  if (files.length === 0) {
    throw new AppError(
      'knowledge:missing',
      `The knowledge base directory ${dir} has no documents.`,
    );
  }
  return files.map((f) => parseDocument(basename(f, '.md'), readFileSync(join(dir, f), 'utf8')));
}

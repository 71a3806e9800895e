/**
 * Chunks: one per section of a document, each carrying its document's and section's titles, a
 * content hash (the key of its cached embedding) and the text the index reads, with the
 * project's spellings of pathways and models made uniform ("RCP 4.5", "rcp45" and "RCP4.5" are
 * one word to the index).
 */
import { createHash } from 'node:crypto';
import { CLIMATE_MODELS, normalizeText, SCENARIOS } from '../domain/index.ts';
import { SOURCES_HEADING, type KnowledgeDocument } from './documents.ts';

/** One searchable passage: a section of a document. */
export interface KnowledgeChunk {
  /** `doc#slug`: unique over the knowledge base. */
  id: string;
  /** The document's id (its file name without .md). */
  doc: string;
  docTitle: string;
  /** The document's introduction (the paragraphs before its first section). */
  docIntro: string;
  section: string;
  slug: string;
  /** The section's markdown. */
  body: string;
  /** What an embedding is computed from: the titles, then the body. */
  text: string;
  /** sha256 of `text`: a changed section gets a new embedding, an unchanged one keeps its own. */
  hash: string;
  /** The document's references ("Sources"). */
  sources: string[];
  /** True for a document's list of references, ranked below the sections that say things. */
  isSources: boolean;
}

/** Every section of every document as a chunk, the titles carried into each. */
export function chunkDocuments(docs: readonly KnowledgeDocument[]): KnowledgeChunk[] {
  return docs.flatMap((d) =>
    d.sections.map((s) => {
      const text = `${d.title}\n${s.heading}\n\n${s.body}`;
      return {
        id: `${d.id}#${s.slug}`,
        doc: d.id,
        docTitle: d.title,
        docIntro: d.intro,
        section: s.heading,
        slug: s.slug,
        body: s.body,
        text,
        hash: createHash('sha256').update(text).digest('hex'),
        sources: d.sources,
        isSources: s.heading === SOURCES_HEADING,
      };
    }),
  );
}

/**
 * Text as the index reads it, for documents and queries alike: markdown marks dropped, RCP and
 * SSP spellings made one word (rcp45, rcp85, ssp1 ...), model names split into their parts
 * (MRI-CGCM3 and MRI_CGCM3 both read "mri cgcm3"), hyphens and underscores read as spaces.
 */
export function indexText(text: string): string {
  return text
    .toLowerCase()
    .replace(/https?:\/\/\S+/g, (url) => url.replace(/[/:.]+/g, ' '))
    .replace(/[`*_#>[\]()]/g, (c) => (c === '_' ? '_' : ' '))
    .replace(/\brcp[\s_-]*([2468])(?:[.,]?([05]))?(?!\d)/g, (_m, a: string, b?: string) =>
      a === '2' ? 'rcp26' : `rcp${a}${b ?? '5'}`,
    )
    .replace(/\bssp[\s_-]*([1-5])\b/g, 'ssp$1')
    .replace(/[_'’-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Everyday words for what the documents name otherwise: a question about how the data were
 * "made" is about the model and its method, one about how "often" about the cycle, and so on.
 * Only added to a question, never to the documents.
 */
const SYNONYMS: readonly [RegExp, string][] = [
  [/ (cite|citing|citation|reference|credit|acknowledge) /, 'cite citation reference'],
  [/ (often|frequently|frequency|how regularly) /, 'cycle every years'],
  [
    / (made|built|produced|created|generated|computed|calculated|derived|methods?|methodology) /,
    'model method estimated',
  ],
  [/ (drive|drives|driving|causes?|factors?) /, 'drivers'],
  [/ (picked|pick|selected|select|chose|choose) /, 'chosen'],
  [
    / (trust|reliable|reliability|accurate|accuracy|caveats?|weakness\w*|shortcomings?) /,
    'limitations',
  ],
  [/ (hectares?|units?|measured in) /, 'units acres'],
  [/ (developed|development|built up|cities|city|sprawl) /, 'urban developed'],
  [/ (farmland|farms?|agricultural) /, 'agricultural cropland pasture'],
  [/ (warming|temperature|hotter) /, 'warming'],
  [/ (rain|rainfall|wetter|drier|drought) /, 'precipitation'],
  [/ (french) /, 'france'],
  [/ (japanese) /, 'japan'],
  [/ (norwegian) /, 'norway'],
  [/ (british|uk|english) /, 'united kingdom'],
  [/ (law|statute|congress|legislation|legal|mandate) /, 'act law congress'],
];

/** Aliases of the ensemble mean that are everyday words ("on average", "what does X mean"). */
const GENERIC = new Set(['mean', 'average', 'default', 'overall', 'OVERALL']);

/**
 * The words a question adds for the scenarios and climate models it names in the project's
 * vocabulary ("the green road", "the hottest model"): their codes, names and nicknames, so a
 * question in other words finds the sections that use the RPA's. RCP and SSP mentions need none.
 */
export function expandQuery(query: string): string {
  const text = ` ${normalizeText(query)} `;
  const has = (phrase: string) => text.includes(` ${normalizeText(phrase)} `);
  const extra: string[] = [];
  if (!/\b(rcp|ssp)\s*\d/i.test(query)) {
    const named = SCENARIOS.filter((s) =>
      [s.code, s.name, s.theme, ...s.aliases].filter((a) => !GENERIC.has(a)).some(has),
    );
    // "All scenarios" or a list of them: the question is about the set, not one storyline.
    if (named.length > 0 && named.length <= 2) {
      for (const s of named) extra.push(s.code, s.name, s.theme);
    }
  }
  const models = CLIMATE_MODELS.filter(
    (m) =>
      [m.name, m.name.replace(/_/g, ' '), ...m.aliases].some(has) ||
      (/\b(model|gcm)s?\b/.test(text) && has(m.nickname)),
  );
  if (models.length === 1) extra.push(models[0]!.name, models[0]!.nickname);
  for (const [pattern, words] of SYNONYMS) if (pattern.test(text)) extra.push(words);
  return extra.length > 0 ? `${query} ${extra.join(' ')}` : query;
}

import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../domain/index.ts';
import {
  chunkDocuments,
  createKnowledgeBase,
  expandQuery,
  indexText,
  KNOWLEDGE_DIR,
  loadDocuments,
  parseDocument,
  readRetrievalSet,
  renderDocumentHtml,
  slugify,
} from './index.ts';

const SAMPLE = `# A title

An introduction.

## First part: the (one) thing

Some text with \`code\` and https://doi.org/10.2737/RDS-2023-0026.

## Sources

- One reference.
- Another reference,
  on two lines.
`;

describe('documents', () => {
  it('reads the title, introduction, sections and sources', () => {
    const doc = parseDocument('sample', SAMPLE);
    expect(doc.title).toBe('A title');
    expect(doc.intro).toBe('An introduction.');
    expect(doc.sections.map((s) => [s.heading, s.slug])).toEqual([
      ['First part: the (one) thing', 'first-part-the-one-thing'],
      ['Sources', 'sources'],
    ]);
    expect(doc.sources).toEqual(['One reference.', 'Another reference, on two lines.']);
  });

  it('refuses a document without a title or sections, naming the file', () => {
    const bad = (md: string) => {
      try {
        parseDocument('bad', md);
      } catch (error) {
        return isAppError(error, 'knowledge:bad_document') ? error.message : 'other';
      }
      return 'no error';
    };
    expect(bad('no title\n## A\ntext')).toMatch(/knowledge\/bad\.md must start with a "# Title"/);
    expect(bad('# Title\n\ntext only')).toMatch(/no "## " sections/);
    expect(bad('# Title\n## A\n\n## B\ntext')).toMatch(/section "A" is empty/);
  });

  it('makes anchors as renderers do', () => {
    expect(slugify('High-Low (HL): A Rocky Road')).toBe('high-low-hl-a-rocky-road');
    expect(slugify("Citing figures from this project's demo data")).toBe(
      'citing-figures-from-this-projects-demo-data',
    );
  });

  it('ships eight documents, each with sections and sources', () => {
    const docs = loadDocuments();
    expect(docs.map((d) => d.id)).toEqual([
      'citation',
      'climate-models',
      'land-use-model',
      'limitations',
      'published-results',
      'reading-the-data',
      'rpa-act',
      'scenarios',
    ]);
    for (const d of docs) {
      expect(d.sections.length).toBeGreaterThanOrEqual(5);
      expect(d.sources.length).toBeGreaterThan(0);
    }
  });
});

describe('chunks and query text', () => {
  it('carries the document and section titles into each chunk, with a content hash', () => {
    const [chunk] = chunkDocuments([parseDocument('sample', SAMPLE)]);
    expect(chunk!.id).toBe('sample#first-part-the-one-thing');
    expect(chunk!.text.startsWith('A title\nFirst part: the (one) thing\n')).toBe(true);
    expect(chunk!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(chunk!.sources).toHaveLength(2);
  });

  it('spells pathways and models one way', () => {
    expect(indexText('RCP 4.5, rcp8.5 and RCP45_SSP1; SSP 5')).toBe(
      'rcp45, rcp85 and rcp45 ssp1; ssp5',
    );
    expect(indexText('MRI-CGCM3 or `MRI_CGCM3`')).toBe('mri cgcm3 or mri cgcm3');
  });

  it("adds the RPA's names for the scenarios and models a question names", () => {
    expect(expandQuery('What does the green road scenario assume?')).toContain('LM Lower-Moderate');
    expect(expandQuery('Which is the hottest model?')).toContain('HadGEM2_ES365 hot');
    // Everyday words are not scenario names.
    expect(expandQuery('What does SSP mean on average?')).not.toContain('Ensemble');
  });
});

describe('search', () => {
  const kb = createKnowledgeBase();
  // The sections' own text alone, without the example questions.
  const textOnly = createKnowledgeBase({ examples: [] });

  it('finds the section that answers, with its document, anchor and sources', async () => {
    const r = await kb.search('What does the High-Low scenario assume?', { limit: 3 });
    expect(r.mode).toBe('text');
    expect(r.passages).toHaveLength(3);
    const [first] = r.passages;
    expect(first).toMatchObject({
      doc: 'scenarios',
      section: 'High-Low (HL): A Rocky Road',
      ref: '/knowledge/scenarios#high-low-hl-a-rocky-road',
    });
    expect(first!.sources.some((s) => s.includes('RMRS-GTR-412'))).toBe(true);
  });

  it('matches whole words, not prefixes', async () => {
    // "count" (counted, counts) must not find "county" and "counties", in every document.
    const r = await textOnly.search('count', { limit: 10 });
    expect(r.passages.map((p) => p.section)).toEqual([
      'The five land uses and their groups',
      'Combined scenarios and their spread',
    ]);
  });

  it('answers nothing for an empty question or words no document has', async () => {
    expect((await kb.search('   ')).passages).toEqual([]);
    expect((await kb.search('zxqv plorf')).passages).toEqual([]);
  });
});

describe('example questions', () => {
  const TWO = {
    'a.md': '# Alpha\n\n## How it works\n\nUrban land stays urban in the model, for good.\n',
    'b.md':
      '# Beta\n\n## What it leaves out\n\nLand that stays urban for good may overstate permanence.\n',
  };
  const question = 'does urban land stay urban for good';
  const EXAMPLE = {
    question: 'is urban land staying urban a problem',
    doc: 'b',
    section: 'What it leaves out',
  };

  it("lift the section a question like them belongs to, even one the question's words miss", async () => {
    const { dir, cleanup } = await writeDocs(TWO);
    try {
      const plain = createKnowledgeBase({ dir, examples: [] });
      expect((await plain.search(question)).passages[0]?.doc).toBe('a');
      const taught = createKnowledgeBase({
        dir,
        examples: [EXAMPLE],
      });
      expect((await taught.search(question)).passages.map((p) => p.doc)).toEqual(['b', 'a']);
      // Read from questions.jsonl beside the documents by default.
      await writeFile(
        join(dir, 'questions.jsonl'),
        '{"question": "caveat about abandoned towns", "doc": "b", "section": "What it leaves out"}\n',
      );
      const fromFile = createKnowledgeBase({ dir });
      expect((await fromFile.search('abandoned towns')).passages[0]?.doc).toBe('b');
    } finally {
      await cleanup();
    }
  });

  it('say how much a question is like them, and which section the nearest one belongs to', async () => {
    const { dir, cleanup } = await writeDocs(TWO);
    try {
      const kb = createKnowledgeBase({
        dir,
        examples: [EXAMPLE],
      });
      expect(await kb.likeness('Is urban land staying urban a problem?')).toEqual({
        similarity: expect.closeTo(1, 6) as number,
        doc: 'b',
        section: 'What it leaves out',
      });
      const some = await kb.likeness('is urban land a problem for farms');
      expect(some.similarity).toBeGreaterThan(0.3);
      expect(some.similarity).toBeLessThan(1);
      expect(await kb.likeness('stock prices tomorrow')).toEqual({ similarity: 0 });
    } finally {
      await cleanup();
    }
  });

  it('refuse an example that names a section no document has, naming it', async () => {
    const { dir, cleanup } = await writeDocs(TWO);
    try {
      const kb = createKnowledgeBase({
        dir,
        examples: [{ question: 'q', doc: 'b', section: 'Renamed since' }],
      });
      await expect(kb.search('urban')).rejects.toThrow(
        /"b > Renamed since", which no document has/,
      );
    } finally {
      await cleanup();
    }
  });

  it('ship with the documents: over a thousand, every section has some, each names a section', () => {
    const examples = readRetrievalSet(join(KNOWLEDGE_DIR, 'questions.jsonl'));
    expect(examples.length).toBeGreaterThan(1000);
    const sections = loadDocuments().flatMap((d) =>
      d.sections.map((s) => `${d.id} > ${s.heading}`),
    );
    const named = new Set(examples.map((q) => `${q.doc} > ${q.section}`));
    expect([...named].filter((k) => !sections.includes(k))).toEqual([]);
    expect(sections.filter((k) => !named.has(k))).toEqual([]);
    // None is word for word a question of the evaluation sets, which measure new wording.
    const norm = (q: string) =>
      q
        .toLowerCase()
        .replace(/[^a-z0-9 ]/g, '')
        .replace(/\s+/g, ' ');
    const shipped = new Set(examples.map((q) => norm(q.question)));
    const evalDir = join(KNOWLEDGE_DIR, '..', 'eval');
    for (const set of readdirSync(evalDir).filter((f) => f.startsWith('knowledge-'))) {
      const copied = readRetrievalSet(join(evalDir, set)).filter((q) =>
        shipped.has(norm(q.question)),
      );
      expect(copied.length, set).toBe(0);
    }
  });
});

async function writeDocs(files: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), 'knowledge-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

describe('the document page', () => {
  it('escapes the text and anchors the sections', () => {
    const doc = parseDocument(
      'x',
      '# T <b>\n\n## A & B\n\n<script>alert(1)</script> https://example.org/a?b=1&c=2.\n',
    );
    const html = renderDocumentHtml(doc, [doc]);
    expect(html).toContain('<h2 id="a-b">A &amp; B</h2>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain(
      '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">',
    );
    expect(html).toContain('<title>T &lt;b&gt; · ');
  });
});

/**
 * Rewrites of a question into forms the slot reader knows: a state used as an adjective of
 * "county", and conversion verbs that name their target with "for" or "reverts to".
 */
import { STATES } from '../../domain/index.ts';

const STATE_NAMES = STATES.map((s) => s.name.toLowerCase()).sort((a, b) => b.length - a.length);
const STATE_ALT = STATE_NAMES.map((n) => n.replace(/ /g, '\\s+')).join('|');

/** A state between a determiner and "county": "which Wisconsin county". */
const ADJECTIVE = new RegExp(
  `\\b(which|what|each|every|the|a|an|top|\\d+)\\s+((?:\\w+\\s+){0,2}?)(${STATE_ALT})\\s+(count(?:y|ies)|parish(?:es)?)\\b`,
  'gi',
);
// At the start: "Texas counties ...", or a state before a lower-case "county ..." (a county's
// own name is written "Texas County").
const LEADING = new RegExp(`^(${STATE_ALT})\\s+(counties|parishes|county)(?=\\s+[a-z])`, 'i');

/**
 * "Which Wisconsin county ...", "the Oregon counties that ..." name a state as an adjective of
 * "county": said as "which county in Wisconsin", so the state is a place and the county a
 * breakdown (not a county called Wisconsin or Oregon).
 */
export function rewriteStateAdjectives(question: string): string {
  const lead = LEADING.exec(question);
  const adjective = lead !== null && lead[2] !== 'County';
  return question
    .replace(
      ADJECTIVE,
      (_m, det: string, mid: string, state: string, unit: string) =>
        `${det} ${mid}${unit} in ${state}`,
    )
    .replace(LEADING, (m, state: string, unit: string) =>
      adjective ? `${unit.toLowerCase()} in ${state}` : m,
    );
}

/**
 * Conversion verbs that name their target with "for" or without "into" ("rangeland plowed up for
 * crops", "pasture reverts to forest"): said as "converted to", which the flow reader knows.
 */
export function rewriteConversions(question: string): string {
  return (
    question
      .replace(
        /\b(plow(?:ed|s|ing)?|plough(?:ed|s|ing)?|clear(?:ed|s|ing)?|clear-?cut)(?: up)? for\b|\brevert(?:s|ed|ing)? (?:back )?to\b|\breturn(?:s|ed|ing)? to\b/gi,
        'converted to',
      )
      .replace(/\b(paved|paving|paves|built|building) (over|on|up)\b/gi, 'converted to urban land')
      // "turns urban", "go urban", "lost to cities", "to subdivisions and towns", "to pavement".
      .replace(/\b(turns?|turned|turning|goes|go|going|went) urban\b/gi, 'converted to urban land')
      .replace(
        /\b((?:turns?|turned|turning|goes|go|going|went) )?(in)?to (cities|towns|development|subdivisions?( and towns)?|pavement|sprawl|housing)\b/gi,
        (_m, verb?: string) => (verb ? 'converted to urban land' : 'to urban land'),
      )
      .replace(/\bput back into\b/gi, 'converted to')
      // "change into something else", "go to other uses": land lost.
      .replace(
        /\b(changes?|changed|changing|turns?|turned|converts?|converted|goes|go) (in)?to (something|anything) else\b|\b(goes|go|converted|lost) to (other|another) (land )?uses?\b/gi,
        'lost',
      )
  );
}

/** Misspellings people often type for the words the planner reads. */
const TYPOS: Readonly<Record<string, string>> = {
  forrest: 'forest',
  forrests: 'forests',
  forests: 'forests',
  forset: 'forest',
  urbn: 'urban',
  urabn: 'urban',
  ubran: 'urban',
  pastue: 'pasture',
  pastur: 'pasture',
  rangland: 'rangeland',
  rangelnd: 'rangeland',
  croplnd: 'cropland',
  cropand: 'cropland',
  agricultral: 'agricultural',
  agriculutral: 'agricultural',
  expanison: 'expansion',
  expnasion: 'expansion',
  scenaro: 'scenario',
  senario: 'scenario',
  scenarion: 'scenario',
};

/** What people from a state are called, for "Texan counties" (the state used as an adjective). */
const DEMONYMS: Readonly<Record<string, string>> = {
  texan: 'Texas',
  californian: 'California',
  floridian: 'Florida',
  oregonian: 'Oregon',
  coloradan: 'Colorado',
  arizonan: 'Arizona',
  nevadan: 'Nevada',
  georgian: 'Georgia',
  virginian: 'Virginia',
  ohioan: 'Ohio',
  michigander: 'Michigan',
  minnesotan: 'Minnesota',
  iowan: 'Iowa',
  kansan: 'Kansas',
  utahn: 'Utah',
  montanan: 'Montana',
  idahoan: 'Idaho',
  pennsylvanian: 'Pennsylvania',
  tennessean: 'Tennessee',
  kentuckian: 'Kentucky',
  alabamian: 'Alabama',
  mississippian: 'Mississippi',
  louisianan: 'Louisiana',
  arkansan: 'Arkansas',
  oklahoman: 'Oklahoma',
  nebraskan: 'Nebraska',
  wisconsinite: 'Wisconsin',
  missourian: 'Missouri',
  'new yorker': 'New York',
};

const DEMONYM = new RegExp(
  `\\b(${Object.keys(DEMONYMS).join('|')})\\s+(?=count(?:y|ies)\\b)`,
  'gi',
);

/**
 * Common misspellings ("forrest", "urbn"), two years side by side, and state demonyms before
 * "counties" ("Texan counties"): said as the words the planner reads.
 */
export function rewriteTypos(question: string): string {
  return (
    question
      // "grazing land (rangeland)": the use named in the parentheses is the one meant.
      .replace(
        /\b(grazing lands?|grazing|range ?lands?|ranch ?lands?|pasture ?lands?)\s*\((rangeland|pasture)\)/gi,
        (_m, _said: string, meant: string) => meant,
      )
      // "forest lost in georgia 2020 2070": two years side by side are a span.
      .replace(/\b((?:19|20)\d\d)\s+((?:19|20)\d\d)\b/g, (m, a: string, b: string) =>
        Number(b) > Number(a) ? `${a}-${b}` : m,
      )
      .replace(/\b[a-z]+\b/gi, (w) => {
        const fixed = TYPOS[w.toLowerCase()];
        return fixed ?? w;
      })
      .replace(DEMONYM, (w: string) => `${DEMONYMS[w.trim().toLowerCase()]!} `)
  );
}

/**
 * Questions about the assessment itself, for the knowledge base (the search_rpa_documents tool):
 * what a scenario assumes, why urban land never goes back, how the projections were made, how
 * to cite them. Such a question may also ask for figures ("What does HH assume, and how much
 * forest is lost under it?"): then the data tools answer that part, from the same question.
 * Pure: the words decide, no model and no index.
 */
import { normalizeText } from '../../domain/index.ts';
import { asksToModify } from './decline.ts';

/** How a question is routed to the documents. */
export interface KnowledgeRoute {
  /** What to search the documents for: the question, or its part about the assessment. */
  query: string;
  /** True when another part of the question asks for figures from the data. */
  alsoData: boolean;
}

/** The forms of a question about meaning, method, reasons or citation. */
const ASKS_ABOUT: readonly RegExp[] = [
  /\b(cite|citing|citation|citations|doi|bibliography|how to reference|acknowledge)\b/,
  /^(why|how come)\b|\bwhy (is|are|does|do|did|was|were|can|cant|cannot|would|should|will|has|have)\b/,
  /\b(explain|explains|explaining|describe|define|definition|meaning|stand for|stands for)\b/,
  /\bassum(e|es|ed|ing|ption|ptions)\b/,
  /\bwhat (does|do|did) .{1,60}\b(mean|represent|imply|involve|say about|tell us)\b/,
  /\bhow (was|were|is|are|did|do|does) (the |these |this |they |it |rpa |such |those )?([\w-]+ ){0,4}(made|built|created|produced|calculated|computed|estimated|derived|modell?ed|chosen|selected|picked|defined|calibrated|downscaled|generated|averaged|combined|validated|developed)\b/,
  /\bhow (does|do|did) (the |this |these |rpa )?([\w-]+ ){0,3}(model|models|projections?|scenarios?|assessment|data) (work|handle|treat|account|deal|differ)\b/,
  /\bhow (do|should|can|would) (i|we|you|one) (read|interpret|understand|cite|use|reference)\b/,
  /\b(difference|differences|differ|distinguish\w*) between (rcp|ssp|the rcps?|the ssps?|the scenarios|the climate models|the models|the pathways)\b/,
  /\b(limitations?|caveats?|shortcomings?|weaknesses|uncertaint(y|ies)|methodology|methods?)\b/,
  /\b(published|the report|rpa report|assessment report|technical document)\b/,
  /^(what|who) (is|are|was|were) (a |an |the )?(rcps?|ssps?|rpa|resources planning act|rpa assessment|assessment|ensemble( mean)?|nri|national resources inventory|econometric|downscaling|maca|cmip5?|gcms?|climate models?|representative concentration pathways?|shared socioeconomic pathways?|(lm|hm|hl|hh|high low|high high|high moderate|lower moderate)( scenario)?|scenarios?)\b/,
  /\b(rpa act|resources planning act|renewable resources planning|national resources inventory|nri|econometric|downscal\w*|maca|cmip5?|radiative forcing|representative concentration pathways?|shared socioeconomic pathways?|general circulation models?)\b/,
  /^(is|are|does|do|did|was|were|can|could) .{0,60}\b(included?|includes|cover(ed|s)?|predictions?|forecasts?|reliable|accurate|certain)\b/,
  /\bwhat (does|do) .{1,60}\b(cover|include)\??$/,
  /\bwhat (units?|unit of measure)\b|\bmeasured in\b/,
  /\bwhat (drives|causes|explains|determines|influences)\b/,
  /\bhow (does|do) (the )?(climate|warming|population|income|model|scenarios?) (affect|influence|enter|shape|drive)\b/,
  /\bwhat (counts|is counted|qualifies) as\b/,
  /\bshould (i|we|you) (use|choose|pick)\b/,
  /\bhow (is|are) .{1,60}\bdifferent\b/,
  /\btell me (about|more about) (the )?(rpa|assessment|scenarios?|climate models?|model|rcps?|ssps?|data|projections|lm|hm|hl|hh)\b/,
];

/**
 * Words that place a question in the assessment's world: without one, "Why are stock prices
 * falling?" is not a question about the RPA, and the planner declines it as before.
 */
const ABOUT_THE_RPA =
  /\b(loss|gain|change|net|gross|expansion|area|numbers|figures|act|law|period|\d{4} \d{4}|land|use|uses|forests?|urban|cropland|crops?|pasture|rangeland|range|develop\w*|scenarios?|pathways?|rcps?|ssps?|rpa|assessment|projections?|projected|data|dataset|datasets|models?|climate|count(y|ies)|acres?|lm|hm|hl|hh|ensemble|overall|cite|citation|doi|report|nri|inventory|federal|private|transitions?|periods?|irreversible|econometric|warming|emissions)\b/;

/** A part of a question that asks for figures. */
const ASKS_FOR_FIGURES =
  /\b(how much|how many|which (states?|count(y|ies)|regions?|subregions?|decades?|periods?)|where (is|are|does|do|will)|top \d+|rank\w*|in acres|percent(age)?|share of|the most|the least|lost|gained|loss of|gain of|change in)\b/;

/** Where a question splits into parts: "..., and how much ...", "...? Which ...". */
const PARTS =
  /[?;]|,? (?=and (how|which|what|where|when|is|are|does|do|will)\b)|, (?=(how|which|where|what)\b)/;

/** True when the question has a word of the assessment's world (land, scenario, county ...). */
export function aboutTheRpa(question: string): boolean {
  return ABOUT_THE_RPA.test(normalizeText(question));
}

/** True when the question asks for figures (how much, which states, the most, percent ...). */
export function asksForFigures(question: string): boolean {
  return ASKS_FOR_FIGURES.test(normalizeText(question));
}

/**
 * The route to the documents for a question about the assessment itself, or undefined for a
 * question the data tools alone answer (or decline). A request to change the data never goes
 * to the documents.
 */
export function knowledgeRoute(question: string): KnowledgeRoute | undefined {
  const text = normalizeText(question);
  if (!text || asksToModify(text)) return undefined;
  if (!ASKS_ABOUT.some((p) => p.test(text)) || !ABOUT_THE_RPA.test(text)) return undefined;
  const parts = question
    .split(PARTS)
    .map((p) => p?.trim() ?? '')
    .filter((p) => /[\p{L}\p{N}]/u.test(p));
  const about = parts.filter((p) => ASKS_ABOUT.some((r) => r.test(normalizeText(p))));
  const figures = parts.filter(
    (p) =>
      !ASKS_ABOUT.some((r) => r.test(normalizeText(p))) && ASKS_FOR_FIGURES.test(normalizeText(p)),
  );
  return {
    query: about.length > 0 && figures.length > 0 ? about.join('. ') : question.trim(),
    alsoData: figures.length > 0,
  };
}

/**
 * Rewrites of a question into forms the slot reader knows: a state used as an adjective of
 * "county", and conversion verbs that name their target with "for" or "reverts to".
 */
import { STATES } from '../../domain/index.ts';

const STATE_NAMES = STATES.map((s) => s.name.toLowerCase()).sort((a, b) => b.length - a.length);
const STATE_ALT = STATE_NAMES.map((n) => n.replace(/ /g, '\\s+')).join('|');

/**
 * "Which Wisconsin county ...", "the Oregon counties that ..." name a state as an adjective of
 * "county": said as "which county in Wisconsin", so the state is a place and the county a
 * breakdown (not a county called Wisconsin or Oregon).
 */
export function rewriteStateAdjectives(question: string): string {
  const pattern = new RegExp(
    `\\b(which|what|each|every|the|a|an|top|\\d+)\\s+((?:\\w+\\s+){0,2}?)(${STATE_ALT})\\s+(count(?:y|ies)|parish(?:es)?)\\b`,
    'gi',
  );
  return question.replace(
    pattern,
    (_m, det: string, mid: string, state: string, unit: string) =>
      `${det} ${mid}${unit} in ${state}`,
  );
}

/**
 * Conversion verbs that name their target with "for" or without "into" ("rangeland plowed up for
 * crops", "pasture reverts to forest"): said as "converted to", which the flow reader knows.
 */
export function rewriteConversions(question: string): string {
  return question
    .replace(
      /\b(plow(?:ed|s|ing)?|plough(?:ed|s|ing)?|clear(?:ed|s|ing)?|clear-?cut)(?: up)? for\b|\brevert(?:s|ed|ing)? (?:back )?to\b|\breturn(?:s|ed|ing)? to\b/gi,
      'converted to',
    )
    .replace(/\b(paved|paving|paves|built|building) (over|on|up)\b/gi, 'converted to urban land');
}

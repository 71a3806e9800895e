import { describe, expect, it } from 'vitest';
import { clarification } from './offline.ts';

describe('a failed tool call, told to a person', () => {
  it('keeps the reason and its choices, and drops the framing meant for a model', () => {
    const text = clarification(
      'Error: Invalid county: Unknown county "Wisconsin". Closest: Wilkinson, GA; Wilcox, AL.\n Please fix your mistakes.',
    );
    expect(text).toMatch(/^I could not answer that as asked: Unknown county "Wisconsin"\./);
    expect(text).toContain('Closest: Wilkinson, GA; Wilcox, AL.');
    expect(text).not.toMatch(/Please fix your mistakes|Error:|Invalid county/);
    expect(text).toContain('Dane County, Wisconsin');
  });
});

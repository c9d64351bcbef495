import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldProblems, toApiError } from '../../src/api/errors.js';
import { ERROR_REASONS, FIELD_PROBLEM_CODES } from '../../src/domain/error-reasons.js';
import { conflict, invalid } from '../../src/domain/errors.js';
import { assignmentBody } from '../../src/schemas/post.js';
import { newServiceRecordBody } from '../../src/schemas/service-record.js';
import { FIELD_SENTENCES, REASON_SENTENCES } from '../../web/src/i18n/errors.js';

// Every refusal the code raises has a stable reason in the one catalogue, and the dashboard has a
// sentence for each in both languages, with the same placeholders: so no reader meets the API's
// English, an id or a UTC time in place of a sentence.

const ROOTS = ['src', 'workflows', 'activities'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = ROOTS.flatMap(sources).map((path) => ({ path, text: readFileSync(path, 'utf8') }));

function found(patterns: RegExp[]): Map<string, string> {
  const codes = new Map<string, string>();
  for (const { path, text } of files) {
    for (const pattern of patterns) for (const match of text.matchAll(pattern)) codes.set(match[1]!, path);
  }
  return codes;
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('the error catalogue', () => {
  it('lists every reason the code raises', () => {
    const raised = found([
      /reason: '([a-z_]+)'/g,
      /reason \?\? '([a-z_]+)'/g,
      /refuse\(ErrorType\.\w+, '([a-z_]+)'/g,
      // The station plan's validators name the reason first: conflict('plan_paused', …).
      /\b(?:conflict|invalid|notFound)\('([a-z_]+)', /g,
      // The station rollout's validators: rejection('milestone_out_of_order', …).
      /\brejection\('([a-z_]+)'/g,
    ]);
    // Each form above still matches the code that uses it, so a renamed helper cannot hide its reasons.
    expect([...raised.keys()]).toEqual(expect.arrayContaining(['worker_not_found', 'plan_paused', 'milestone_out_of_order', 'staffing_posts_vacant']));
    const missing = [...raised].filter(([reason]) => !(reason in ERROR_REASONS)).map(([reason, path]) => `${reason} (${path})`);
    expect(missing).toEqual([]);
  });

  it('lists every field problem code the services give', () => {
    // The schemas' refinements name theirs in zod's params: { code: 'new_residents_above_served', … }.
    const given = found([/path[^\n]*\bcode: '([a-z_]+)'/g, /^\s+code: (?:[^'\n]*\? )?'([a-z_]+)'/gm, /params: \{ code: '([a-z_]+)'/g, /_PROBLEM = \{ code: '([a-z_]+)'/g, /new CsvError\([^\n]*, '([a-z_]+)'(?:, \{[^\n]*\})?\);/g]);
    expect([...given.keys()]).toEqual(expect.arrayContaining(['new_residents_above_served', 'date_out_of_range', 'must_not_be_zero', 'fields_count', 'quote_unterminated']));
    const missing = [...given].filter(([code]) => !(code in FIELD_PROBLEM_CODES)).map(([code, path]) => `${code} (${path})`);
    expect(missing).toEqual([]);
  });

  it('has a sentence for every reason and code in zh-CN and en, with the same placeholders', () => {
    const problems: string[] = [];
    for (const reason of Object.keys(ERROR_REASONS)) {
      const sentence = REASON_SENTENCES[reason];
      if (!sentence?.zh || !sentence.en) problems.push(`reason ${reason}`);
      else if (placeholders(sentence.zh).join() !== placeholders(sentence.en).join()) problems.push(`reason ${reason}: placeholders differ`);
    }
    for (const code of Object.keys(FIELD_PROBLEM_CODES)) {
      const sentence = FIELD_SENTENCES[code];
      if (!sentence?.zh || !sentence.en) problems.push(`field code ${code}`);
      else if (placeholders(sentence.zh).join() !== placeholders(sentence.en).join()) problems.push(`field code ${code}: placeholders differ`);
    }
    expect(problems).toEqual([]);
  });

  it('answers every error with a reason from the catalogue', () => {
    expect(toApiError(new Error('boom')).body().error.reason).toBe('internal');
    expect(toApiError(conflict('busy')).body().error.reason).toBe('conflict');
    expect(toApiError(invalid([{ path: 'body.x', message: 'bad', code: 'required' }])).body().error).toMatchObject({
      reason: 'invalid_request', details: [{ path: 'body.x', code: 'required' }],
    });
  });

  it("gives a schema's refinement its own code and values, not zod's generic custom", () => {
    const record = newServiceRecordBody.safeParse({ communityId: 'c', servedOn: '2026-11-10', kind: 'group', theme: 'elderly', title: { zh: '读报' }, residentsServed: 12, newResidents: 20 });
    expect(fieldProblems(record.error!, 'body')).toEqual([
      { path: 'body.newResidents', message: expect.any(String), code: 'new_residents_above_served', values: { newResidents: 20, residentsServed: 12 } },
    ]);
    const assignment = assignmentBody.safeParse({ workerId: 'w', from: '2026-11-10', to: '2026-11-01' });
    expect(fieldProblems(assignment.error!, 'body')).toEqual([{ path: 'body.to', message: expect.any(String), code: 'ends_before_start' }]);
    const day = newServiceRecordBody.safeParse({ communityId: 'c', servedOn: '2026-02-30', kind: 'group', theme: 'elderly', title: { zh: '读报' }, residentsServed: 1 });
    expect(fieldProblems(day.error!, 'body')).toEqual([expect.objectContaining({ path: 'body.servedOn', code: 'date_not_real' })]);
    for (const problem of [...fieldProblems(record.error!, 'body'), ...fieldProblems(assignment.error!, 'body')]) expect(FIELD_SENTENCES[problem.code!]?.zh).toBeTruthy();
  });

  it("gives zod's issues a code and the values to phrase them", () => {
    const schema = z.object({ name: z.string().min(2), at: z.iso.datetime(), kind: z.enum(['a', 'b']), count: z.number().max(3), must: z.string() }).strict();
    const parsed = schema.safeParse({ name: 'x', at: 'tomorrow', kind: 'c', count: 9, extra: 1 });
    expect(parsed.success).toBe(false);
    const problems = fieldProblems(parsed.error!, 'body');
    expect(problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: 'body.name', code: 'too_small', values: expect.objectContaining({ origin: 'string', minimum: 2 }) }),
      expect.objectContaining({ path: 'body.at', code: 'invalid_format', values: { format: 'datetime' } }),
      expect.objectContaining({ path: 'body.kind', code: 'invalid_value', values: { allowed: ['a', 'b'] } }),
      expect.objectContaining({ path: 'body.count', code: 'too_big', values: expect.objectContaining({ origin: 'number', maximum: 3 }) }),
      expect.objectContaining({ path: 'body.must', code: 'required' }),
      expect.objectContaining({ path: 'body', code: 'unrecognized_keys', values: { keys: ['extra'] } }),
    ]));
    for (const problem of problems) expect(FIELD_PROBLEM_CODES).toHaveProperty(problem.code!);
  });
});

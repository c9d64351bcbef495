import { cloneElement, type ReactElement, useCallback, useId } from 'react';
import type { ApiError, FieldProblem } from './api/client.js';
import { FIELD_SENTENCES, REASON_SENTENCES, type Sentence } from './i18n/errors.js';
import { translateKey, useI18n, type Locale, type Translate } from './i18n.js';
import { nameOf } from './names.js';
import { formatDateTime } from './time.js';

// How the page tells a person what went wrong: the API's stable `reason` (or a field problem's
// `code`) becomes a sentence in the reader's language, its values filled with names instead of ids
// and Beijing time instead of UTC. The API's English `message` is never shown.

interface Reader {
  t: Translate;
  locale: Locale;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const ENUM_PREFIX: Record<string, string> = {
  stage: 'stage', currentStage: 'stage', status: 'status', role: 'role', kind: 'kind',
  // A rollout's refusals name the milestone asked for and the one before or after it.
  previous: 'milestone', milestone: 'milestone', current: 'milestone', earlier: 'milestone', later: 'milestone',
};

/** One value of a refusal, as a reader should see it. */
export function formatValue(reader: Reader, name: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.map((item) => formatValue(reader, name.replace(/s$/, ''), item)).join(reader.locale === 'en' ? ', ' : '、');
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const id = record.workerId ?? record.id;
    return typeof id === 'string' ? formatValue(reader, 'workerId', id) : '';
  }
  const text = String(value);
  if (ISO_INSTANT.test(text)) return formatDateTime(text, reader.locale);
  const prefix = ENUM_PREFIX[name];
  if (prefix) return translateKey(reader.t, prefix, text);
  if (name === 'id' || name.endsWith('Id') || name === 'owner' || name === 'worker' || name === 'dimension') return nameOf(text, reader.locale) ?? text;
  return text;
}

function fill(reader: Reader, sentence: Sentence, values: Record<string, unknown> | undefined): string {
  const text = reader.locale === 'en' ? sentence.en : sentence.zh;
  return text.replace(/\{(\w+)\}/g, (_all, name: string) => formatValue(reader, name, values?.[name]));
}

/** A refusal as one sentence in the reader's language. */
export function describeError(reader: Reader, error: ApiError): string {
  if (error.code === 'network') return reader.t('error_network');
  if (error.code === 'http') return reader.t('error_http', { status: error.status });
  const sentence = (error.reason && REASON_SENTENCES[error.reason]) || REASON_SENTENCES[error.code] || REASON_SENTENCES.internal!;
  return fill(reader, sentence, error.values);
}

/** A field problem as a sentence: by its code, refined by what was checked (`too_small` of a string). */
export function describeProblem(reader: Reader, problem: FieldProblem): string {
  const values = problem.values ?? {};
  const detail = typeof values.origin === 'string' ? values.origin : typeof values.format === 'string' ? values.format : undefined;
  const code = problem.code ?? 'custom';
  const sentence = (detail && FIELD_SENTENCES[`${code}_${detail}`]) || FIELD_SENTENCES[code] || FIELD_SENTENCES.custom!;
  return fill(reader, sentence, values);
}

/** `describeError` bound to the page's language. */
export function useErrorText(): (error: ApiError) => string {
  const { t, locale } = useI18n();
  return useCallback((error: ApiError) => describeError({ t, locale }, error), [t, locale]);
}

/**
 * The problems of an action's error, by field: `message(field)` in the reader's language, and
 * `rest` — what belongs to no listed field, to show once above the form (or `undefined`).
 */
export function useFieldErrors(error: ApiError | undefined, fields: readonly string[] = []) {
  const { t, locale } = useI18n();
  const reader = { t, locale };
  const message = (field: string): string | undefined => {
    const problem = error?.fieldProblem(field);
    return problem ? describeProblem(reader, problem) : undefined;
  };
  const matched = (problem: FieldProblem) => fields.some((field) => problem.path === field || problem.path.endsWith(`.${field}`));
  const unmatched = error?.details.filter((problem) => !matched(problem)) ?? [];
  let rest: string | undefined;
  if (error && (error.details.length === 0 || unmatched.length > 0)) {
    rest = [describeError(reader, error), ...unmatched.map((problem) => describeProblem(reader, problem))]
      .filter((line, index, all) => all.indexOf(line) === index).join(' ');
  }
  return { message, rest };
}

/** The error for one field, shown under it and tied to it with aria-describedby. */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return <span id={id} className="field-error" role="alert">{message}</span>;
}

/**
 * A labelled input with its problem shown next to it: the input gets an id, `aria-invalid` and
 * `aria-describedby` pointing at the problem (and the hint), so a screen reader reads both.
 */
export function Field({ label, error, hint, children, className }: {
  label: string;
  error?: string;
  hint?: string;
  className?: string;
  children: ReactElement<Record<string, unknown>>;
}) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described })}
      {hint ? <span id={`${id}-hint`} className="hint">{hint}</span> : null}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

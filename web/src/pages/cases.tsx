import { Fragment, useState } from 'react';
import { api, unwrap, type Answer, type Body } from '../api/client.js';
import { Attachments } from '../attachments.js';
import { Badge, ErrorNote, Field, Loadable, Section } from '../components.js';
import { ConfirmAction } from '../confirm.js';
import { Downloads } from '../downloads.js';
import { useFieldErrors } from '../errors.js';
import { useAction, usePolled } from '../hooks.js';
import { localized, translateKey, useI18n } from '../i18n.js';
import { nameOf } from '../names.js';
import { StationPicker, WorkerPicker } from '../pickers.js';
import { linkProps, navigate } from '../router.js';
import { can, type SessionInfo } from '../session.js';
import { formatDateTime, isoToLocalInput, localInputToIso } from '../time.js';
import { Disclosure } from '../widgets.js';

// Case calls (优秀案例征集评选): the list and a form to open one (supervisors), one call's page —
// a station's cases with their files, a reviewer's scoring, the organiser's results, selection,
// publication, extension and cancellation — and the published collection with its PDF.

type CallDetail = Answer<'/api/case-calls/{callId}'>;
type CallCase = Answer<'/api/case-calls/{callId}/cases/{caseId}'>;
type CaseKind = CallDetail['kinds'][number];
const KINDS: readonly CaseKind[] = ['casework', 'group', 'community'];
const PHASE_TONE: Record<string, string> = { submission: 'info', review: 'warn', selection: 'warn', published: 'ok', cancelled: 'muted' };

export function CasesPage({ session, callId, caseId }: { session: SessionInfo; callId?: string; caseId?: string }) {
  return callId ? <CallPage key={callId} session={session} callId={callId} caseId={caseId} /> : <CallList session={session} />;
}

function CallList({ session }: { session: SessionInfo }) {
  const { t, locale } = useI18n();
  const calls = usePolled(() => unwrap(api.GET('/api/case-calls')), 'case-calls');
  return (
    <div className="stack">
      <Section title={t('case_calls')}>
        <Loadable state={calls} empty={(data) => data.items.length === 0}>
          {(data) => (
            <table>
              <thead><tr><th scope="col">{t('call_title')}</th><th scope="col">{t('status')}</th><th scope="col">{t('submission_deadline')}</th><th scope="col">{t('review_deadline')}</th></tr></thead>
              <tbody>
                {data.items.map((call) => (
                  <tr key={call.id} data-call={call.id}>
                    <td><a {...linkProps(`/cases/${encodeURIComponent(call.id)}`)}>{localized(locale, call.title)}</a></td>
                    <td><Badge tone={PHASE_TONE[call.phase] ?? 'info'}>{translateKey(t, 'phase', call.phase)}</Badge></td>
                    <td>{formatDateTime(call.submissionDeadline, locale)}</td>
                    <td>{formatDateTime(call.reviewDeadline, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Loadable>
      </Section>
      {can(session, 'stage.sign_off') ? <OpenCallForm /> : null}
    </div>
  );
}

const DAY_SECONDS = 86_400;
const OPEN_FIELDS = ['title.zh', 'kinds', 'stationIds', 'submissionDeadline', 'reviewDeadline', 'panel', 'selectPerKind', 'reminderOffsetsSeconds', 'spreadThreshold', 'rubric'] as const;

/**
 * Opening a call (center supervisors and admins): title, kinds, the stations that may submit
 * (every operating station in scope when none is ticked), the two deadlines to the second, the
 * reviewers picked by name, cases per kind and the reminders; the project's default rubric.
 */
function OpenCallForm() {
  const { t } = useI18n();
  const rubric = usePolled(() => unwrap(api.GET('/api/rubrics/default')), 'rubric', 600_000);
  const open = useAction();
  const [title, setTitle] = useState('');
  const [kinds, setKinds] = useState<CaseKind[]>([...KINDS]);
  const [stations, setStations] = useState<string[]>([]);
  const [submission, setSubmission] = useState('');
  const [review, setReview] = useState('');
  const [panel, setPanel] = useState<Array<{ id: string; name: string }>>([]);
  const [perKind, setPerKind] = useState('3');
  const [reminderDays, setReminderDays] = useState('3, 1');
  const [spreadThreshold, setSpreadThreshold] = useState('20');
  // The rubric starts as the project's default; edited here, it is this call's own.
  const [criteria, setCriteria] = useState<CriterionDraft[] | null>(null);
  const defaults = rubric.data ? rubric.data.criteria.map(draftOf) : null;
  const shown = criteria ?? defaults;
  const fields = useFieldErrors(open.error, OPEN_FIELDS.map((field) => `body.${field}`));
  // A problem anywhere under a path (one station, one reviewer, one reminder) shows at that field.
  const under = (path: string) => {
    const problem = open.error?.details.find((detail) => detail.path === `body.${path}` || detail.path.startsWith(`body.${path}.`));
    return problem ? fields.message(problem.path) : undefined;
  };
  const unplaced = open.error?.details.filter((detail) => !OPEN_FIELDS.some((field) => detail.path === `body.${field}` || detail.path.startsWith(`body.${field}.`))) ?? [];
  const submit = async () => {
    const body: Body<'/api/case-calls'> = {
      title: { zh: title.trim() }, kinds, ...(stations.length > 0 ? { stationIds: stations } : {}),
      submissionDeadline: localInputToIso(submission), reviewDeadline: localInputToIso(review),
      panel: panel.map((worker) => worker.id), selectPerKind: Number(perKind),
      reminderOffsetsSeconds: reminderDays.split(/[\s,，]+/).filter(Boolean).map((days) => Math.round(Number(days) * DAY_SECONDS)),
      spreadThreshold: Number(spreadThreshold),
      ...(shown && defaults && !sameCriteria(shown, defaults) ? { rubric: shown.map(criterionOf) } : {}),
    };
    const call = await open.run(() => unwrap(api.POST('/api/case-calls', { body })));
    if (call) navigate(`/cases/${encodeURIComponent(call.id)}`);
  };
  return (
    <Section title={t('open_call')}>
      <form className="form" aria-label={t('open_call')} noValidate onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <Field label={t('call_title')} error={under('title')}><input name="title" value={title} onChange={(event) => setTitle(event.target.value)} /></Field>
        <fieldset aria-describedby={under('kinds') ? 'call-kinds-error' : undefined}><legend>{t('case_kinds')}</legend>
          {KINDS.map((kind) => (
            <label key={kind} className="inline"><input type="checkbox" checked={kinds.includes(kind)} onChange={(event) => setKinds(event.target.checked ? [...kinds, kind] : kinds.filter((k) => k !== kind))} />{translateKey(t, 'case_kind', kind)}</label>
          ))}
          {under('kinds') ? <span id="call-kinds-error" className="field-error" role="alert">{under('kinds')}</span> : null}
        </fieldset>
        <div className="two">
          <StationPicker label={t('call_stations')} chosen={stations} onChange={setStations} error={under('stationIds')} />
          <WorkerPicker label={t('call_panel')} chosen={panel} onChange={setPanel} error={under('panel')} />
        </div>
        <p className="hint">{t('call_stations_hint')} {t('times_beijing')}</p>
        <div className="form columns">
          {/* step 1: a deadline to the second (a rehearsal call can run in minutes). */}
          <Field label={t('submission_deadline')} error={under('submissionDeadline')}><input name="submissionDeadline" type="datetime-local" step={1} value={submission} onChange={(event) => setSubmission(event.target.value)} /></Field>
          <Field label={t('review_deadline')} error={under('reviewDeadline')}><input name="reviewDeadline" type="datetime-local" step={1} value={review} onChange={(event) => setReview(event.target.value)} /></Field>
          <Field label={t('select_per_kind')} error={under('selectPerKind')}><input name="selectPerKind" type="number" min={1} max={100} value={perKind} onChange={(event) => setPerKind(event.target.value)} /></Field>
          <Field label={t('call_reminder_days')} error={under('reminderOffsetsSeconds')}><input name="reminderDays" inputMode="decimal" value={reminderDays} onChange={(event) => setReminderDays(event.target.value)} /></Field>
          <Field label={t('spread_threshold')} error={under('spreadThreshold')}><input name="spreadThreshold" type="number" min={0} max={100} step="any" value={spreadThreshold} onChange={(event) => setSpreadThreshold(event.target.value)} /></Field>
        </div>
        {shown && defaults ? (
          <RubricEditor criteria={shown} edited={!sameCriteria(shown, defaults)} onChange={setCriteria} onReset={() => setCriteria(null)} error={under('rubric')}
            errorAt={(index, field) => fields.message(`body.rubric.${index}.${field}`)} />
        ) : null}
        {open.error && (open.error.details.length === 0 || unplaced.length > 0) ? <ErrorNote error={open.error} withFields={unplaced.length > 0} /> : null}
        <button type="submit" className="primary" disabled={open.running}>{t('open_call')}</button>
      </form>
    </Section>
  );
}

/** One criterion as the form holds it: numbers as typed, the English name kept only while the Chinese one is unchanged. */
interface CriterionDraft { key: string; zh: string; en: string | null; weight: string; min: string; max: string }
type Criterion = CallDetail['rubric']['criteria'][number];

const draftOf = (criterion: Criterion): CriterionDraft => ({
  key: criterion.key, zh: criterion.name.zh, en: criterion.name.en, weight: String(criterion.weight), min: String(criterion.min), max: String(criterion.max),
});
const criterionOf = (draft: CriterionDraft) => ({
  key: draft.key, name: { zh: draft.zh.trim(), ...(draft.en ? { en: draft.en } : {}) },
  weight: Number(draft.weight), min: Number(draft.min), max: Number(draft.max),
});
const sameCriteria = (a: CriterionDraft[], b: CriterionDraft[]) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The call's rubric: the project's default to start from; each criterion's name, relative weight and
 * score range can be changed, criteria removed (one at least stays) or added; "back to the default"
 * undoes every change.
 */
function RubricEditor({ criteria, edited, onChange, onReset, error, errorAt }: {
  criteria: CriterionDraft[]; edited: boolean; onChange(next: CriterionDraft[]): void; onReset(): void; error?: string;
  errorAt(index: number, field: 'name.zh' | 'weight' | 'min' | 'max' | 'key'): string | undefined;
}) {
  const { t } = useI18n();
  const set = (index: number, change: Partial<CriterionDraft>) => onChange(criteria.map((c, i) => (i === index ? { ...c, ...change } : c)));
  const add = () => {
    let n = criteria.length + 1;
    while (criteria.some((c) => c.key === `criterion_${n}`)) n += 1;
    onChange([...criteria, { key: `criterion_${n}`, zh: '', en: null, weight: '10', min: '0', max: '10' }]);
  };
  return (
    <fieldset className="rubric-editor">
      <legend>{edited ? t('rubric_call') : t('rubric_default')}</legend>
      {criteria.map((criterion, index) => (
        <fieldset key={criterion.key} data-criterion={criterion.key} className="form columns">
          <legend>{t('criterion_numbered', { n: index + 1 })}</legend>
          <Field label={t('criterion_name')} error={errorAt(index, 'name.zh') ?? errorAt(index, 'key')}><input name={`criterion-${criterion.key}-name`} value={criterion.zh}
            onChange={(event) => set(index, { zh: event.target.value, en: null })} /></Field>
          <Field label={t('criterion_weight')} error={errorAt(index, 'weight')}><input name={`criterion-${criterion.key}-weight`} type="number" min={0} max={100} step="any" value={criterion.weight}
            onChange={(event) => set(index, { weight: event.target.value })} /></Field>
          <Field label={t('criterion_min')} error={errorAt(index, 'min')}><input name={`criterion-${criterion.key}-min`} type="number" min={0} max={100} value={criterion.min}
            onChange={(event) => set(index, { min: event.target.value })} /></Field>
          <Field label={t('criterion_max')} error={errorAt(index, 'max')}><input name={`criterion-${criterion.key}-max`} type="number" min={1} max={100} value={criterion.max}
            onChange={(event) => set(index, { max: event.target.value })} /></Field>
          <p className="actions"><button type="button" disabled={criteria.length <= 1} aria-label={t('criterion_remove', { name: criterion.zh || criterion.key })}
            onClick={() => onChange(criteria.filter((_, i) => i !== index))}>{t('remove')}</button></p>
        </fieldset>
      ))}
      {error ? <span className="field-error" role="alert">{error}</span> : null}
      <p className="actions">
        <button type="button" onClick={add} disabled={criteria.length >= 12}>{t('criterion_add')}</button>
        {edited ? <button type="button" onClick={onReset}>{t('rubric_reset')}</button> : null}
      </p>
      <p className="hint">{t('rubric_hint')}</p>
    </fieldset>
  );
}

function CallPage({ session, callId, caseId }: { session: SessionInfo; callId: string; caseId?: string }) {
  const { t, locale } = useI18n();
  const call = usePolled(() => unwrap(api.GET('/api/case-calls/{callId}', { params: { path: { callId } } })), `call:${callId}`);
  return (
    <Loadable state={call}>
      {(data) => (
        <div className="stack">
          <Section title={localized(locale, data.title)} actions={<a {...linkProps('/cases')}>{t('case_calls')}</a>}>
            <p>
              <Badge tone={PHASE_TONE[data.phase] ?? 'info'}>{translateKey(t, 'phase', data.phase)}</Badge>{' '}
              {t('submission_deadline')} {formatDateTime(data.submissionDeadline, locale)} · {t('review_deadline')} {formatDateTime(data.reviewDeadline, locale)}
            </p>
            <p className="muted">{data.rubric.source === 'project_default' ? t('rubric_default') : t('rubric_call')}: {data.rubric.criteria.map((c) => `${localized(locale, c.name)} ${c.weight} (${c.min}–${c.max})`).join(' · ')}</p>
            {data.phase === 'published' ? <p><a {...linkProps(`/cases/${encodeURIComponent(callId)}?collection=1`)}>{t('collection')}</a> · <a href={`/api/case-calls/${encodeURIComponent(callId)}/collection.pdf`} download>{t('collection_pdf')}</a></p> : null}
          </Section>
          {data.phase === 'published' && new URLSearchParams(window.location.search).get('collection') === '1' ? <Collection callId={callId} /> : null}
          {caseId ? <CaseView key={caseId} session={session} call={data} caseId={caseId} onChange={call.reload} /> : null}
          <CaseList session={session} call={data} onChange={call.reload} />
          {data.phase === 'submission' ? <NewCase session={session} call={data} onChange={call.reload} /> : null}
          {/* Keyed by phase: the selection starts from the proposal once the review has closed. */}
          {can(session, 'stage.sign_off') ? <Organiser key={data.phase} call={data} onChange={call.reload} /> : null}
          {data.events.length > 0 ? (
            <Section title={t('call_events')}>
              <ul className="list">{data.events.map((event) => <li key={event.step}>{formatDateTime(event.at, locale)} · {event.step} {event.actor ? `· ${event.actor}` : ''}</li>)}</ul>
            </Section>
          ) : null}
        </div>
      )}
    </Loadable>
  );
}

function CaseList({ session, call, onChange }: { session: SessionInfo; call: CallDetail; onChange(): void }) {
  const { t, locale } = useI18n();
  const result = (caseId: string) => call.results?.find((r) => r.caseId === caseId);
  // A reviewer from a station sees that station's cases in the list but never scores them.
  const reviewer = call.panel?.find((member) => member.reviewerId === session.principal.workerId);
  const ownStation = (communityId: string) => call.phase === 'review' && reviewer?.stationId === communityId;
  return (
    <Section title={t('cases')} actions={call.results ? <Downloads path={`/api/exports/case-calls/${encodeURIComponent(call.id)}/scores`} /> : undefined}>
      {call.cases.length === 0 ? <p className="muted">{t('no_cases')}</p> : (
        <ul className="tasks">
          {call.cases.map((entry) => {
            const scored = result(entry.id);
            return (
              <li key={entry.id} className="task" data-case={entry.id}>
                <div className="task-head">
                  <a {...linkProps(`/cases/${encodeURIComponent(call.id)}?case=${encodeURIComponent(entry.id)}`)}><strong>{entry.title}</strong></a>
                  <Badge tone={entry.status === 'submitted' ? 'ok' : 'muted'}>{translateKey(t, 'case_status', entry.status)}</Badge>
                  <span className="muted">{localized(locale, entry.communityName)} · {translateKey(t, 'case_kind', entry.kind)}</span>
                  {scored ? <span>{t('mean_score')} {scored.mean ?? '—'} · {t('spread')} {scored.spread ?? '—'} {scored.spreadFlagged ? <Badge tone="warn">{t('spread_flagged')}</Badge> : null}</span> : null}
                </div>
                {can(session, 'attachments.view') ? <Attachments ownerKind="case" ownerId={entry.id} canAttach={false} /> : null}
                {call.toScore.includes(entry.id) ? <ScoreForm call={call} caseId={entry.id} onChange={onChange} /> : null}
                {ownStation(entry.communityId) ? <p className="muted" data-testid="own-station-case">{t('own_station_not_scored')}</p> : null}
                {call.reviews.filter((review) => review.caseId === entry.id).map((review) => (
                  <p key={review.reviewerId} className="muted">{review.reviewerId}: {review.total} — {review.comment}</p>
                ))}
              </li>
            );
          })}
        </ul>
      )}
    </Section>
  );
}

const CASE_TEXTS = ['background', 'needsAssessment', 'process', 'outcomes', 'reflection'] as const;

/**
 * One case on its own (`?case=` on the call's page): its text and files, and — for the station
 * roles whose scope holds the case, while the call is not over — withdrawing it, with the reason.
 */
function CaseView({ session, call, caseId, onChange }: { session: SessionInfo; call: CallDetail; caseId: string; onChange(): void }) {
  const { t, locale } = useI18n();
  const path = { params: { path: { callId: call.id, caseId } } };
  const entry = usePolled(() => unwrap(api.GET('/api/case-calls/{callId}/cases/{caseId}', path)), `case:${call.id}:${caseId}`, 60_000);
  const withdraw = useAction();
  const callOpen = call.phase !== 'published' && call.phase !== 'cancelled';
  return (
    <Section title={entry.data?.title ?? t('case')} id="case" actions={<a {...linkProps(`/cases/${encodeURIComponent(call.id)}`)}>{t('close_case')}</a>}>
      <Loadable state={entry}>
        {(data) => {
          // Station leads withdraw their own station's cases; supervisors and admins any in their scope.
          const ownStation = session.principal.role !== 'station_lead' || session.principal.scopeId === data.communityId;
          const mayWithdraw = can(session, 'cases.withdraw') && callOpen && data.status !== 'withdrawn' && ownStation;
          // Drafts and submitted cases stay editable (text and files) until the submission deadline.
          const mayEdit = can(session, 'attachments.add') && call.phase === 'submission' && data.status !== 'withdrawn' && ownStation;
          return (
            <div className="stack" data-testid="case-view">
              <p>
                <Badge tone={data.status === 'submitted' ? 'ok' : 'muted'}>{translateKey(t, 'case_status', data.status)}</Badge>{' '}
                <span className="muted">{localized(locale, data.communityName)} · {translateKey(t, 'case_kind', data.kind)} · {formatDateTime(data.updatedAt, locale)}</span>
              </p>
              <dl className="guidance">
                {CASE_TEXTS.map((name) => (
                  <Fragment key={name}>
                    <dt>{t(`case_${name}`)}</dt>
                    <dd className="breakable">{data[name] || '—'}</dd>
                  </Fragment>
                ))}
              </dl>
              {can(session, 'attachments.view') ? <Attachments ownerKind="case" ownerId={data.id} canAttach={false} /> : null}
              {mayEdit ? (
                <Disclosure label={t('edit_case')}>
                  {() => <CaseEditor session={session} call={call} initial={data} onSaved={() => { entry.reload(); onChange(); }} />}
                </Disclosure>
              ) : null}
              {mayWithdraw ? (
                <div className="buttons">
                  <ConfirmAction
                    label={t('withdraw_case')}
                    title={t('withdraw_case_title')}
                    consequence={<p>{t('withdraw_case_consequence')}</p>}
                    reason={{ label: t('withdraw_case_reason'), required: true }}
                    confirmLabel={t('withdraw_case')}
                    tone="danger"
                    running={withdraw.running}
                    error={withdraw.error}
                    onConfirm={async ({ reason }) => {
                      const done = await withdraw.run(() => unwrap(api.POST('/api/case-calls/{callId}/cases/{caseId}/withdraw', { ...path, body: { reason } })));
                      if (!done) return false;
                      entry.reload();
                      onChange();
                      return true;
                    }}
                  />
                </div>
              ) : null}
            </div>
          );
        }}
      </Loadable>
    </Section>
  );
}

function ScoreForm({ call, caseId, onChange }: { call: CallDetail; caseId: string; onChange(): void }) {
  const { t, locale } = useI18n();
  const score = useAction();
  // Blank until the reviewer gives each criterion its score: nothing is scored by default.
  const [scores, setScores] = useState<Record<string, string>>({});
  const [comment, setComment] = useState('');
  return (
    <form className="actions" aria-label={t('score_case')} onSubmit={(event) => {
      event.preventDefault();
      const body = { scores: Object.fromEntries(call.rubric.criteria.map((c) => [c.key, Number(scores[c.key])])), comment };
      void score.run(() => unwrap(api.POST('/api/case-calls/{callId}/cases/{caseId}/scores', { params: { path: { callId: call.id, caseId } }, body }))).then((done) => done && onChange());
    }}>
      {call.rubric.criteria.map((criterion) => (
        <label key={criterion.key}>{localized(locale, criterion.name)} ({criterion.min}–{criterion.max})
          <input type="number" name={criterion.key} min={criterion.min} max={criterion.max} value={scores[criterion.key] ?? ''} required
            onChange={(event) => setScores({ ...scores, [criterion.key]: event.target.value })} />
        </label>
      ))}
      <label>{t('comment')}<textarea name="comment" rows={2} value={comment} onChange={(event) => setComment(event.target.value)} required /></label>
      <button type="submit" className="primary" disabled={score.running}>{t('score_case')}</button>
      <ErrorNote error={score.error} />
    </form>
  );
}

/** The stations the signed-in person may write a case for: a station lead their own, organisers any of the call's. */
function writableStations(session: SessionInfo, call: CallDetail): string[] {
  if (!can(session, 'attachments.add')) return [];
  return session.principal.role === 'station_lead' ? call.stationIds.filter((id) => id === session.principal.scopeId) : call.stationIds;
}

/** A new case for a station of the call (below the list while submissions are open). */
function NewCase({ session, call, onChange }: { session: SessionInfo; call: CallDetail; onChange(): void }) {
  const { t } = useI18n();
  const [round, setRound] = useState(0);
  const [saved, setSaved] = useState<CallCase>();
  if (writableStations(session, call).length === 0) return null;
  return (
    <Section title={saved ? `${t('edit_case')} · ${saved.title}` : t('new_case')}>
      <CaseEditor key={round} session={session} call={call} onSaved={(entry) => { setSaved(entry); onChange(); }} />
      {saved ? <button type="button" onClick={() => { setSaved(undefined); setRound(round + 1); }}>{t('another_case')}</button> : null}
    </Section>
  );
}

const BLANK_CASE = { title: '', background: '', needsAssessment: '', process: '', outcomes: '', reflection: '' };

/**
 * A case's form: its station, kind and texts, saved as a draft or submitted; once saved, its
 * files are uploaded here too. `initial` edits a case already saved (until the deadline).
 */
function CaseEditor({ session, call, initial, onSaved }: { session: SessionInfo; call: CallDetail; initial?: CallCase; onSaved(entry: CallCase): void }) {
  const { t, locale } = useI18n();
  const save = useAction();
  const stations = initial ? [initial.communityId] : writableStations(session, call);
  const [communityId, setCommunityId] = useState(initial?.communityId ?? stations[0] ?? '');
  const [kind, setKind] = useState<CaseKind>(initial?.kind ?? call.kinds[0]!);
  const [fields, setFields] = useState(initial ? {
    title: initial.title, background: initial.background, needsAssessment: initial.needsAssessment, process: initial.process, outcomes: initial.outcomes, reflection: initial.reflection,
  } : BLANK_CASE);
  const [saved, setSaved] = useState<CallCase | undefined>(initial);
  const caseId = saved?.id;
  const submit = (submitNow: boolean) => save.run(() => unwrap(api.POST('/api/case-calls/{callId}/cases', {
    params: { path: { callId: call.id } }, body: { ...(caseId ? { caseId } : {}), communityId, kind, ...fields, submit: submitNow },
  }))).then((entry) => {
    if (entry) {
      setSaved(entry);
      onSaved(entry);
    }
  });
  const text = (name: keyof typeof fields, rows = 3) => (
    <label>{t(`case_${name}` as 'case_title')}
      {rows === 0
        ? <input name={name} value={fields[name]} onChange={(event) => setFields({ ...fields, [name]: event.target.value })} required />
        : <textarea name={name} rows={rows} value={fields[name]} onChange={(event) => setFields({ ...fields, [name]: event.target.value })} />}
    </label>
  );
  return (
    <form className="stack" aria-label={initial ? t('edit_case') : t('new_case')} onSubmit={(event) => { event.preventDefault(); void submit(true); }}>
      <label>{t('station')}
        <select name="communityId" value={communityId} disabled={Boolean(caseId)} onChange={(event) => setCommunityId(event.target.value)}>
          {stations.map((id) => <option key={id} value={id}>{nameOf(id, locale) ?? id}</option>)}
        </select>
      </label>
      <label>{t('case_kind')}
        <select name="kind" value={kind} onChange={(event) => setKind(event.target.value as CaseKind)}>
          {call.kinds.map((k) => <option key={k} value={k}>{translateKey(t, 'case_kind', k)}</option>)}
        </select>
      </label>
      {text('title', 0)}{text('background')}{text('needsAssessment')}{text('process', 4)}{text('outcomes')}{text('reflection')}
      <span className="buttons">
        {saved?.status !== 'submitted' ? <button type="button" disabled={save.running || !fields.title} onClick={() => void submit(false)}>{t('save_draft')}</button> : null}
        <button type="submit" className="primary" disabled={save.running}>{saved?.status === 'submitted' ? t('save_submitted_case') : t('submit_case')}</button>
      </span>
      <ErrorNote error={save.error} withFields />
      {saved && !save.running ? (
        <p className="note ok" role="status">{saved.status === 'submitted' ? t('case_submitted_note') : t('case_draft_note')}</p>
      ) : null}
      {caseId ? (
        <Attachments ownerKind="case" ownerId={caseId} canAttach
          upload={{ path: `/api/case-calls/${encodeURIComponent(call.id)}/cases/${encodeURIComponent(caseId)}/attachments`, route: '/api/case-calls/{callId}/cases/{caseId}/attachments' }} />
      ) : <p className="muted">{t('save_before_files')}</p>}
    </form>
  );
}

/** The organiser's actions for the phase the call is in: extend its deadline, select and publish, cancel. */
function Organiser({ call, onChange }: { call: CallDetail; onChange(): void }) {
  const { t } = useI18n();
  if (call.phase === 'published' || call.phase === 'cancelled') return null;
  return (
    <Section title={t('organise_call')}>
      {call.phase === 'submission' || call.phase === 'review' ? <ExtendDeadline call={call} phase={call.phase} onChange={onChange} /> : null}
      {call.phase === 'selection' ? <Selection call={call} onChange={onChange} /> : null}
      <CancelCall call={call} onChange={onChange} />
    </Section>
  );
}

function ExtendDeadline({ call, phase, onChange }: { call: CallDetail; phase: 'submission' | 'review'; onChange(): void }) {
  const { t } = useI18n();
  const extend = useAction();
  const [deadline, setDeadline] = useState(isoToLocalInput(phase === 'review' ? call.reviewDeadline : call.submissionDeadline));
  const [reason, setReason] = useState('');
  const fields = useFieldErrors(extend.error, ['body.deadline', 'body.reason']);
  const submit = async () => {
    const done = await extend.run(() => unwrap(api.POST('/api/case-calls/{callId}/extend', { params: { path: { callId: call.id } }, body: { phase, deadline: localInputToIso(deadline), reason } })));
    if (done) {
      setReason('');
      onChange();
    }
  };
  return (
    <form className="form columns" aria-label={t('extend_deadline')} noValidate onSubmit={(event) => { event.preventDefault(); void submit(); }}>
      <Field label={t('new_deadline')} error={fields.message('body.deadline')}><input type="datetime-local" step={1} name="deadline" value={deadline} onChange={(event) => setDeadline(event.target.value)} /></Field>
      <Field label={t('extend_reason')} error={fields.message('body.reason')}><input name="extendReason" value={reason} onChange={(event) => setReason(event.target.value)} /></Field>
      {fields.rest ? <p className="note error" role="alert">{fields.rest}</p> : null}
      <span className="buttons"><button type="submit" disabled={extend.running}>{t('extend_deadline')}</button></span>
    </form>
  );
}

/**
 * Once the review has closed: the proposal (the top cases of each kind by weighted mean), the
 * cases to tick in the collection's order (starting from the proposal, moved up as wanted), the
 * reason kept with the choice, and publication after a confirmation.
 */
function Selection({ call, onChange }: { call: CallDetail; onChange(): void }) {
  const { t, locale } = useI18n();
  const select = useAction();
  const publish = useAction();
  const [chosen, setChosen] = useState<string[]>(call.selection?.caseIds ?? call.proposed ?? []);
  const [reason, setReason] = useState(call.selection?.reason ?? '');
  const fields = useFieldErrors(select.error, ['body.caseIds', 'body.reason']);
  const path = { params: { path: { callId: call.id } } };
  const submitted = call.cases.filter((entry) => entry.status === 'submitted');
  const titleOf = (caseId: string) => call.cases.find((entry) => entry.id === caseId)?.title ?? caseId;
  const describe = (caseId: string) => {
    const entry = call.cases.find((candidate) => candidate.id === caseId);
    const mean = call.results?.find((result) => result.caseId === caseId)?.mean;
    return entry ? `${localized(locale, entry.communityName)} · ${translateKey(t, 'case_kind', entry.kind)} · ${t('mean_score')} ${mean ?? '—'}` : '';
  };
  const moveUp = (index: number) => setChosen([...chosen.slice(0, index - 1), chosen[index]!, chosen[index - 1]!, ...chosen.slice(index + 1)]);
  const recorded = call.selection;
  const unchanged = recorded !== null && recorded !== undefined && recorded.caseIds.join() === chosen.join();
  const submit = async () => {
    const done = await select.run(() => unwrap(api.POST('/api/case-calls/{callId}/selection', { ...path, body: { caseIds: chosen, reason } })));
    if (done) onChange();
  };
  return (
    <div className="stack" data-testid="selection">
      <div>
        <h3>{t('proposed')}</h3>
        <p className="hint">{t('proposed_hint', { count: call.selectPerKind })} {t('spread_threshold_hint', { threshold: call.spreadThreshold })}</p>
        {(call.proposed ?? []).length === 0 ? <p className="muted">{t('no_cases')}</p> : (
          <ol data-testid="proposal">{(call.proposed ?? []).map((caseId) => <li key={caseId} data-case={caseId}>{titleOf(caseId)} <span className="muted">{describe(caseId)}</span></li>)}</ol>
        )}
      </div>
      <form className="stack" aria-label={t('select_cases')} noValidate onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <fieldset>
          <legend>{t('selection_cases')}</legend>
          {submitted.map((entry) => (
            <label key={entry.id} className="inline"><input type="checkbox" checked={chosen.includes(entry.id)}
              onChange={(event) => setChosen(event.target.checked ? [...chosen, entry.id] : chosen.filter((id) => id !== entry.id))} />{entry.title} <span className="muted">{describe(entry.id)}</span></label>
          ))}
          {fields.message('body.caseIds') ? <span className="field-error" role="alert">{fields.message('body.caseIds')}</span> : null}
        </fieldset>
        {chosen.length > 0 ? (
          <div>
            <h4>{t('selection_order')}</h4>
            <ol data-testid="selection-order">
              {chosen.map((caseId, index) => (
                <li key={caseId} data-case={caseId}>
                  {titleOf(caseId)}{' '}
                  {index > 0 ? <button type="button" className="link" onClick={() => moveUp(index)} aria-label={t('move_up_named', { name: titleOf(caseId) })}>{t('move_up')}</button> : null}
                </li>
              ))}
            </ol>
          </div>
        ) : null}
        <Field label={t('selection_reason')} error={fields.message('body.reason')}><textarea name="selectionReason" rows={2} value={reason} onChange={(event) => setReason(event.target.value)} /></Field>
        {fields.rest ? <p className="note error" role="alert">{fields.rest}</p> : null}
        <span className="buttons"><button type="submit" disabled={select.running}>{t('select_cases')}</button></span>
      </form>
      {recorded ? (
        <p className="note ok" role="status" data-testid="selection-recorded">
          {t('selection_recorded', { by: recorded.by, at: formatDateTime(recorded.at, locale) })}: {recorded.caseIds.map(titleOf).join('、')} — {recorded.reason}
        </p>
      ) : null}
      <div className="buttons">
        <ConfirmAction
          label={t('publish_collection')}
          title={t('publish_collection_title')}
          consequence={<p>{t('publish_collection_consequence')}</p>}
          confirmLabel={t('publish_collection')}
          tone="primary"
          disabled={!recorded || !unchanged || publish.running}
          running={publish.running}
          error={publish.error}
          onConfirm={async () => {
            const done = await publish.run(() => unwrap(api.POST('/api/case-calls/{callId}/publish', { ...path, body: {} })));
            if (!done) return false;
            onChange();
            return true;
          }}
        />
        {recorded && !unchanged ? <span className="hint">{t('selection_unsaved')}</span> : null}
      </div>
    </div>
  );
}

function CancelCall({ call, onChange }: { call: CallDetail; onChange(): void }) {
  const { t } = useI18n();
  const cancel = useAction();
  return (
    <div className="buttons">
      <ConfirmAction
        label={t('cancel_call')}
        title={t('cancel_call_title')}
        consequence={<p>{t('cancel_call_consequence')}</p>}
        reason={{ label: t('cancel_reason'), required: true }}
        confirmLabel={t('cancel_call')}
        tone="danger"
        running={cancel.running}
        error={cancel.error}
        onConfirm={async ({ reason }) => {
          const done = await cancel.run(() => unwrap(api.POST('/api/case-calls/{callId}/cancel', { params: { path: { callId: call.id } }, body: { reason } })));
          if (!done) return false;
          onChange();
          return true;
        }}
      />
    </div>
  );
}

function Collection({ callId }: { callId: string }) {
  const { t, locale } = useI18n();
  const collection = usePolled(() => unwrap(api.GET('/api/case-calls/{callId}/collection', { params: { path: { callId } } })), `collection:${callId}`, 600_000);
  return (
    <Section title={t('collection')}>
      <Loadable state={collection}>
        {(data) => (
          <ol className="collection">
            {data.items.map((item) => (
              <li key={item.id} data-case={item.id}>
                <h3>{item.title}</h3>
                <p className="muted">{localized(locale, item.communityName)} · {translateKey(t, 'case_kind', item.kind)}{item.mean !== null ? ` · ${t('mean_score')} ${item.mean}` : ''}</p>
                {(['background', 'needsAssessment', 'process', 'outcomes', 'reflection'] as const).filter((key) => item[key]).map((key) => (
                  <p key={key}><strong>{t(`case_${key}` as 'case_title')}</strong>：{item[key]}</p>
                ))}
              </li>
            ))}
          </ol>
        )}
      </Loadable>
    </Section>
  );
}

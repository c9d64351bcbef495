import { Fragment, useState } from 'react';
import { api, unwrap, type Answer } from '../api/client.js';
import { Attachments } from '../attachments.js';
import { Badge, ErrorNote, Loadable, Section } from '../components.js';
import { ConfirmAction } from '../confirm.js';
import { Downloads } from '../downloads.js';
import { useAction, usePolled } from '../hooks.js';
import { localized, translateKey, useI18n } from '../i18n.js';
import { linkProps, navigate } from '../router.js';
import { can, type SessionInfo } from '../session.js';
import { formatDateTime, isoToLocalInput, localInputToIso } from '../time.js';

// Case calls (优秀案例征集评选): the list and a form to open one (supervisors), one call's page —
// a station's cases with their files, a reviewer's scoring, the organiser's results, selection,
// publication, extension and cancellation — and the published collection with its PDF.

type CallDetail = Answer<'/api/case-calls/{callId}'>;
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

function OpenCallForm() {
  const { t, locale } = useI18n();
  const rubric = usePolled(() => unwrap(api.GET('/api/rubrics/default')), 'rubric', 600_000);
  const open = useAction();
  const [title, setTitle] = useState('');
  const [kinds, setKinds] = useState<CaseKind[]>([...KINDS]);
  const [submission, setSubmission] = useState('');
  const [review, setReview] = useState('');
  const [panel, setPanel] = useState('');
  const [perKind, setPerKind] = useState(3);
  return (
    <Section title={t('open_call')}>
      <form className="actions stack" onSubmit={(event) => {
        event.preventDefault();
        void open.run(() => unwrap(api.POST('/api/case-calls', {
          body: {
            title: { zh: title }, kinds, submissionDeadline: localInputToIso(submission), reviewDeadline: localInputToIso(review),
            panel: panel.split(/[\s,，]+/).filter(Boolean), selectPerKind: perKind, reminderOffsetsSeconds: [60],
          },
        }))).then((call) => call && navigate(`/cases/${encodeURIComponent(call.id)}`));
      }}>
        <label>{t('call_title')}<input name="title" value={title} onChange={(event) => setTitle(event.target.value)} required /></label>
        <fieldset><legend>{t('case_kinds')}</legend>
          {KINDS.map((kind) => (
            <label key={kind} className="inline"><input type="checkbox" checked={kinds.includes(kind)} onChange={(event) => setKinds(event.target.checked ? [...kinds, kind] : kinds.filter((k) => k !== kind))} />{translateKey(t, 'case_kind', kind)}</label>
          ))}
        </fieldset>
        <label>{t('submission_deadline')}<input name="submissionDeadline" type="datetime-local" value={submission} onChange={(event) => setSubmission(event.target.value)} required /></label>
        <label>{t('review_deadline')}<input name="reviewDeadline" type="datetime-local" value={review} onChange={(event) => setReview(event.target.value)} required /></label>
        <label>{t('panel_worker_ids')}<input name="panel" value={panel} onChange={(event) => setPanel(event.target.value)} required /></label>
        <label>{t('select_per_kind')}<input name="selectPerKind" type="number" min={1} max={100} value={perKind} onChange={(event) => setPerKind(Number(event.target.value))} /></label>
        {rubric.data ? (
          <p className="muted">{t('rubric_default')}: {rubric.data.criteria.map((c) => `${localized(locale, c.name)} ${c.weight}`).join(' · ')}</p>
        ) : null}
        <button type="submit" className="primary" disabled={open.running}>{t('open_call')}</button>
        <ErrorNote error={open.error} />
      </form>
    </Section>
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
            {data.phase === 'published' ? <p><a {...linkProps(`/cases/${encodeURIComponent(callId)}?collection=1`)}>{t('collection')}</a> · <a href={`/api/case-calls/${encodeURIComponent(callId)}/collection.pdf`}>{t('collection_pdf')}</a></p> : null}
          </Section>
          {data.phase === 'published' && new URLSearchParams(window.location.search).get('collection') === '1' ? <Collection callId={callId} /> : null}
          {caseId ? <CaseView key={caseId} session={session} call={data} caseId={caseId} onChange={call.reload} /> : null}
          <CaseList session={session} call={data} onChange={call.reload} />
          {data.phase === 'submission' && can(session, 'attachments.add') ? <CaseForm session={session} call={data} onChange={call.reload} /> : null}
          {can(session, 'stage.sign_off') ? <Organiser call={data} onChange={call.reload} /> : null}
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
          const mayWithdraw = can(session, 'cases.withdraw') && callOpen && data.status !== 'withdrawn'
            && (session.principal.role !== 'station_lead' || session.principal.scopeId === data.communityId);
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
  const [scores, setScores] = useState<Record<string, number>>(() => Object.fromEntries(call.rubric.criteria.map((c) => [c.key, c.max])));
  const [comment, setComment] = useState('');
  return (
    <form className="actions" aria-label={t('score_case')} onSubmit={(event) => {
      event.preventDefault();
      void score.run(() => unwrap(api.POST('/api/case-calls/{callId}/cases/{caseId}/scores', { params: { path: { callId: call.id, caseId } }, body: { scores, comment } }))).then((done) => done && onChange());
    }}>
      {call.rubric.criteria.map((criterion) => (
        <label key={criterion.key}>{localized(locale, criterion.name)} ({criterion.min}–{criterion.max})
          <input type="number" name={criterion.key} min={criterion.min} max={criterion.max} value={scores[criterion.key] ?? criterion.min}
            onChange={(event) => setScores({ ...scores, [criterion.key]: Number(event.target.value) })} />
        </label>
      ))}
      <label>{t('comment')}<textarea name="comment" rows={2} value={comment} onChange={(event) => setComment(event.target.value)} required /></label>
      <button type="submit" className="primary" disabled={score.running}>{t('score_case')}</button>
      <ErrorNote error={score.error} />
    </form>
  );
}

function CaseForm({ session, call, onChange }: { session: SessionInfo; call: CallDetail; onChange(): void }) {
  const { t, locale } = useI18n();
  const save = useAction();
  const [communityId, setCommunityId] = useState(session.scope && call.stationIds.includes(session.scope.id) ? session.scope.id : call.stationIds[0] ?? '');
  const [kind, setKind] = useState<CaseKind>(call.kinds[0]!);
  const [fields, setFields] = useState({ title: '', background: '', needsAssessment: '', process: '', outcomes: '', reflection: '' });
  const [caseId, setCaseId] = useState<string>();
  const submit = (submitNow: boolean) => save.run(() => unwrap(api.POST('/api/case-calls/{callId}/cases', {
    params: { path: { callId: call.id } }, body: { ...(caseId ? { caseId } : {}), communityId, kind, ...fields, submit: submitNow },
  }))).then((saved) => {
    if (saved) {
      setCaseId(saved.id);
      onChange();
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
    <Section title={caseId ? `${t('edit_case')} · ${caseId}` : t('new_case')}>
      <form className="stack" onSubmit={(event) => { event.preventDefault(); void submit(true); }}>
        <label>{t('station')}
          <select name="communityId" value={communityId} onChange={(event) => setCommunityId(event.target.value)}>
            {call.stationIds.map((id) => <option key={id} value={id}>{id}</option>)}
          </select>
        </label>
        <label>{t('case_kind')}
          <select name="kind" value={kind} onChange={(event) => setKind(event.target.value as CaseKind)}>
            {call.kinds.map((k) => <option key={k} value={k}>{translateKey(t, 'case_kind', k)}</option>)}
          </select>
        </label>
        {text('title', 0)}{text('background')}{text('needsAssessment')}{text('process', 4)}{text('outcomes')}{text('reflection')}
        <span className="buttons">
          <button type="button" disabled={save.running || !fields.title} onClick={() => void submit(false)}>{t('save_draft')}</button>
          <button type="submit" className="primary" disabled={save.running}>{t('submit_case')}</button>
        </span>
        <ErrorNote error={save.error} />
        {caseId ? (
          <Attachments ownerKind="case" ownerId={caseId} canAttach
            upload={{ path: `/api/case-calls/${encodeURIComponent(call.id)}/cases/${encodeURIComponent(caseId)}/attachments`, route: '/api/case-calls/{callId}/cases/{caseId}/attachments' }} />
        ) : <p className="muted">{t('save_before_files')}</p>}
        <p className="muted">{localized(locale, call.title)}</p>
      </form>
    </Section>
  );
}

function Organiser({ call, onChange }: { call: CallDetail; onChange(): void }) {
  const { t } = useI18n();
  const act = useAction();
  const [reason, setReason] = useState('');
  const [deadline, setDeadline] = useState(isoToLocalInput(call.phase === 'review' ? call.reviewDeadline : call.submissionDeadline));
  const [chosen, setChosen] = useState<string[]>(call.selection?.caseIds ?? call.proposed ?? []);
  const path = { params: { path: { callId: call.id } } };
  const done = (ok: unknown) => { if (ok) onChange(); };
  if (call.phase === 'published' || call.phase === 'cancelled') return null;
  return (
    <Section title={t('organise_call')}>
      <label>{t('reason')}<input name="reason" value={reason} onChange={(event) => setReason(event.target.value)} /></label>
      {call.phase === 'submission' || call.phase === 'review' ? (
        <span className="buttons">
          <input type="datetime-local" aria-label={t('new_deadline')} value={deadline} onChange={(event) => setDeadline(event.target.value)} />
          <button type="button" disabled={act.running} onClick={() => void act.run(() => unwrap(api.POST('/api/case-calls/{callId}/extend', { ...path, body: { phase: call.phase as 'submission' | 'review', deadline: localInputToIso(deadline), reason } }))).then(done)}>{t('extend_deadline')}</button>
        </span>
      ) : null}
      {call.phase === 'selection' ? (
        <div className="stack">
          <p className="muted">{t('proposed')}: {(call.proposed ?? []).join(', ') || '—'}</p>
          {call.cases.filter((entry) => entry.status === 'submitted').map((entry) => (
            <label key={entry.id} className="inline"><input type="checkbox" checked={chosen.includes(entry.id)}
              onChange={(event) => setChosen(event.target.checked ? [...chosen, entry.id] : chosen.filter((id) => id !== entry.id))} />{chosen.includes(entry.id) ? `${chosen.indexOf(entry.id) + 1}. ` : ''}{entry.title}</label>
          ))}
          <span className="buttons">
            <button type="button" disabled={act.running} onClick={() => void act.run(() => unwrap(api.POST('/api/case-calls/{callId}/selection', { ...path, body: { caseIds: chosen, reason } }))).then(done)}>{t('select_cases')}</button>
            <button type="button" className="primary" disabled={act.running || !call.selection} onClick={() => void act.run(() => unwrap(api.POST('/api/case-calls/{callId}/publish', { ...path, body: {} }))).then(done)}>{t('publish_collection')}</button>
          </span>
        </div>
      ) : null}
      <button type="button" disabled={act.running} onClick={() => void act.run(() => unwrap(api.POST('/api/case-calls/{callId}/cancel', { ...path, body: { reason } }))).then(done)}>{t('cancel_call')}</button>
      <ErrorNote error={act.error} />
    </Section>
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

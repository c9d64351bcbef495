import { useState } from 'react';
import { get, post } from '../api.js';
import { Badge, Empty, ErrorNote, FieldError, Loadable, Section } from '../components.js';
import { asArray, asNumber, asObject, asString, type Community, type Json, nameOf } from '../data.js';
import { useAction, usePolled } from '../hooks.js';
import { localized, translateKey, useI18n } from '../i18n.js';
import { linkProps, navigate } from '../router.js';
import { can, workflowLink, type SessionInfo } from '../session.js';
import { formatDate, formatDateTime } from '../time.js';

const STAGES = ['guide', 'support', 'supervise'] as const;
const STATUS_TONE: Record<string, string> = { done: 'ok', signed_off: 'ok', open: 'info', awaiting_sign_off: 'warn', pending: 'muted', cancelled: 'muted', recorded: 'ok', missed: 'bad' };

export function StationPage({ session, communityId }: { session: SessionInfo; communityId?: string }) {
  const { t, locale } = useI18n();
  const communities = usePolled(() => get<{ items: Community[] }>('/api/communities'), 'communities', 60_000);
  const withStation = communities.data?.items.filter((c) => c.station) ?? [];
  const selected = communityId ?? (withStation.length === 1 ? withStation[0]!.id : undefined);

  return (
    <div className="stack">
      <Section title={t('station')}>
        <Loadable state={communities} empty={() => withStation.length === 0}>
          {() => (
            <label className="inline">
              {t('choose_station')}
              <select value={selected ?? ''} onChange={(event) => navigate(`/stations/${encodeURIComponent(event.target.value)}`)}>
                <option value="" disabled>—</option>
                {withStation.map((c) => <option key={c.id} value={c.id}>{localized(locale, c.name)}</option>)}
              </select>
            </label>
          )}
        </Loadable>
      </Section>
      {selected ? <PlanView key={selected} session={session} communityId={selected} community={withStation.find((c) => c.id === selected)} /> : null}
    </div>
  );
}

function PlanView({ session, communityId, community }: { session: SessionInfo; communityId: string; community?: Community }) {
  const { t, locale } = useI18n();
  const base = `/api/stations/${encodeURIComponent(communityId)}/plan`;
  const plan = usePolled(() => get<Json>(base), base);
  const start = useAction();
  const notStarted = plan.error?.status === 404 && !plan.error.notAvailable;

  if (notStarted) {
    return (
      <Section title={`${t('plan')} · ${community ? localized(locale, community.name) : communityId}`}>
        <Empty>{t('no_plan')}</Empty>
        {can(session, 'plan.start') ? (
          <>
            <button type="button" className="primary" disabled={start.running} onClick={() => void start.run(() => post(base, {})).then((done) => done && plan.reload())}>{t('start_plan')}</button>
            <ErrorNote error={start.error} />
          </>
        ) : null}
      </Section>
    );
  }

  return (
    <Loadable state={plan}>
      {(data) => {
        const workflowId = asString(data.workflowId) ?? `station-plan:${communityId}`;
        const link = workflowLink(session, workflowId);
        const stages = asArray(data.stages);
        const tasks = asArray(data.tasks);
        return (
          <>
            <Section
              title={`${t('plan')} · ${community ? localized(locale, community.name) : communityId}`}
              actions={link ? <a className="button" href={link} target="_blank" rel="noreferrer">{t('open_in_temporal')}</a> : <span className="muted">{t('temporal_unavailable')}</span>}
            >
              <p>
                <Badge tone={STATUS_TONE[String(data.status)] ?? 'info'}>{translateKey(t, 'status', asString(data.status))}</Badge>
                {' '}{formatDate(asString(data.startedOn), locale)}
              </p>
              <ol className="timeline" aria-label={t('plan')}>
                {STAGES.map((stageName) => {
                  const stage = stages.find((s) => s.stage === stageName) ?? {};
                  const status = asString(stage.status) ?? 'pending';
                  return (
                    <li key={stageName} className={`step step-${status}`} aria-current={data.currentStage === stageName ? 'step' : undefined}>
                      <span className="step-name">{localized(locale, nameOf(stage.name ?? t(`stage_${stageName}`)))}</span>
                      <Badge tone={STATUS_TONE[status] ?? 'muted'}>{translateKey(t, 'status', status)}</Badge>
                      <span className="muted">{formatDateTime(asString(stage.signedOffAt) ?? asString(stage.startedAt), locale)}</span>
                    </li>
                  );
                })}
              </ol>
            </Section>
            {STAGES.map((stageName) => {
              const stage = stages.find((s) => s.stage === stageName) ?? { stage: stageName };
              const stageTasks = tasks.filter((task) => task.stage === stageName);
              return <StageCard key={stageName} session={session} base={base} stage={stage} tasks={stageTasks} onChange={plan.reload} />;
            })}
            <Visits plan={data} />
          </>
        );
      }}
    </Loadable>
  );
}

function StageCard({ session, base, stage, tasks, onChange }: { session: SessionInfo; base: string; stage: Json; tasks: Json[]; onChange(): void }) {
  const { t, locale } = useI18n();
  const stageName = String(stage.stage);
  const status = asString(stage.status) ?? 'pending';
  const signOff = useAction();
  const sendBack = useAction();
  const [comments, setComments] = useState('');
  const canSign = can(session, 'stage.sign_off') && (status === 'open' || status === 'awaiting_sign_off');
  const commentsError = sendBack.error?.fieldMessage('comments') ?? signOff.error?.fieldMessage('comments');
  const sendBacks = asArray(stage.sendBacks);

  return (
    <Section title={`${translateKey(t, 'stage', stageName)} · ${translateKey(t, 'status', status)}`} id={`stage-${stageName}`}>
      {tasks.length === 0 ? <Empty /> : (
        <ul className="tasks">
          {tasks.map((task) => <TaskItem key={String(task.id)} session={session} base={base} task={task} onChange={onChange} />)}
        </ul>
      )}
      {sendBacks.length > 0 ? (
        <ul className="list muted">
          {sendBacks.map((item, index) => <li key={index}>{t('send_back')} · {formatDateTime(asString(item.at), locale)} · {String(item.by ?? '')}: {String(item.comments ?? '')}</li>)}
        </ul>
      ) : null}
      {canSign ? (
        <form className="actions" onSubmit={(event) => event.preventDefault()} aria-label={`${t('sign_off')} ${translateKey(t, 'stage', stageName)}`}>
          <label>
            {t('sign_off_comment')} / {t('send_back_reason')}
            <textarea name="comments" rows={2} value={comments} onChange={(event) => setComments(event.target.value)}
              aria-invalid={commentsError ? true : undefined} aria-describedby={commentsError ? `comments-${stageName}-error` : undefined} />
            <FieldError id={`comments-${stageName}-error`} message={commentsError} />
          </label>
          <div className="buttons">
            <button type="button" className="primary" disabled={signOff.running}
              onClick={() => void signOff.run(() => post(`${base}/stages/${stageName}/sign-off`, comments ? { comments } : {})).then((done) => { if (done) { setComments(''); onChange(); } })}>
              {t('sign_off')}
            </button>
            <button type="button" disabled={sendBack.running}
              onClick={() => void sendBack.run(() => post(`${base}/stages/${stageName}/send-back`, { comments, reopenTaskIds: [] })).then((done) => { if (done) { setComments(''); onChange(); } })}>
              {t('send_back')}
            </button>
          </div>
          {!commentsError ? <ErrorNote error={signOff.error ?? sendBack.error} /> : null}
        </form>
      ) : null}
    </Section>
  );
}

function TaskItem({ session, base, task, onChange }: { session: SessionInfo; base: string; task: Json; onChange(): void }) {
  const { t, locale } = useI18n();
  const [note, setNote] = useState('');
  const complete = useAction();
  const status = asString(task.status) ?? 'pending';
  const guidance = asObject(task.guidance);
  const evidence = asObject(task.evidence);
  const overdue = status === 'open' && task.dueAt && Date.parse(String(task.dueAt)) < Date.now();
  const taskId = String(task.id);
  const noteError = complete.error?.fieldMessage('note') ?? complete.error?.fieldMessage('evidence');
  return (
    <li className="task" data-task={taskId}>
      <div className="task-head">
        <strong>{localized(locale, nameOf(task.title))}</strong>
        <Badge tone={overdue ? 'bad' : STATUS_TONE[status] ?? 'muted'}>{translateKey(t, 'status', status)}</Badge>
        <span className="muted">{task.required === false ? t('optional') : t('required')} · {translateKey(t, 'main_task', asString(task.mainTask))}</span>
        <span className={overdue ? 'due overdue' : 'due'}>{t('due')} {formatDateTime(asString(task.dueAt), locale)}</span>
      </div>
      {Object.keys(guidance).length > 0 ? (
        <details>
          <summary>{t('guidance')}</summary>
          <dl className="guidance">
            <dt>{t('why')}</dt><dd>{localized(locale, nameOf(guidance.why))}</dd>
            <dt>{t('how')}</dt><dd>{localized(locale, nameOf(guidance.how))}</dd>
            <dt>{t('what_counts')}</dt><dd>{localized(locale, nameOf(guidance.evidence))}</dd>
          </dl>
        </details>
      ) : null}
      {status === 'done' ? (
        <p className="evidence">{t('evidence')}: {String(evidence.note ?? '')} {asArray(evidence.links).map((link) => String(link)).join(' ')}
          <span className="muted"> · {String(task.completedBy ?? '')} · {formatDateTime(asString(task.completedAt), locale)}</span></p>
      ) : null}
      {status === 'open' && can(session, 'task.complete') ? (
        <form className="actions" onSubmit={(event) => {
          event.preventDefault();
          const links = note.match(/https?:\/\/\S+/g) ?? [];
          void complete.run(() => post(`${base}/tasks/${encodeURIComponent(taskId)}/complete`, { evidence: { note, links } })).then((done) => { if (done) { setNote(''); onChange(); } });
        }}>
          <label>
            {t('evidence')}
            <textarea name="evidence" rows={2} value={note} placeholder={t('evidence_placeholder')} onChange={(event) => setNote(event.target.value)}
              aria-invalid={noteError ? true : undefined} aria-describedby={noteError ? `evidence-${taskId}-error` : undefined} />
            <FieldError id={`evidence-${taskId}-error`} message={noteError} />
          </label>
          <button type="submit" className="primary" disabled={complete.running}>{t('complete')}</button>
          {!noteError ? <ErrorNote error={complete.error} /> : null}
        </form>
      ) : null}
    </li>
  );
}

function Visits({ plan }: { plan: Json }) {
  const { t, locale } = useI18n();
  const visits = asArray(plan.visits);
  const evaluation = asObject(plan.evaluation);
  const scores = asObject(evaluation.scores);
  return (
    <Section title={`${t('supervision_visits')} · ${t('evaluation')}`}>
      {visits.length === 0 ? <Empty /> : (
        <table className="table">
          <thead><tr><th scope="col">#</th><th scope="col">{t('due')}</th><th scope="col">{t('status')}</th><th scope="col">{t('evidence')}</th></tr></thead>
          <tbody>
            {visits.map((visit) => (
              <tr key={String(visit.no)}>
                <td>{String(visit.no)}</td>
                <td>{formatDateTime(asString(visit.dueAt), locale)}</td>
                <td><Badge tone={STATUS_TONE[String(visit.status)] ?? 'muted'}>{translateKey(t, 'status', asString(visit.status))}</Badge></td>
                <td>{String(visit.notes ?? '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('evaluation')}</h3>
      {Object.keys(scores).length === 0 ? <Empty>{t('evaluation_pending')}</Empty> : (
        <table className="table compact">
          <tbody>
            {Object.entries(scores).map(([key, value]) => <tr key={key}><th scope="row">{translateKey(t, 'main_task', key)}</th><td className="num">{String(asNumber(value) ?? value)}</td></tr>)}
            <tr><th scope="row">Σ</th><td className="num">{String(evaluation.average ?? '')}</td></tr>
          </tbody>
        </table>
      )}
      <p><a {...linkProps('/')}>{t('nav_overview')}</a></p>
    </Section>
  );
}

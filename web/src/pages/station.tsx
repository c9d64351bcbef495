import { useState } from 'react';
import { api, unwrap, type Answer, type Body } from '../api/client.js';
import { AttachmentList, AttachmentsToggle, useCommunityAttachments } from '../attachments.js';
import { Badge, Empty, ErrorNote, FieldError, Loadable, Section, When } from '../components.js';
import { useAction, usePolled } from '../hooks.js';
import { StationLinkage } from '../linkage-index.js';
import { localized, translateKey, useI18n, type Translate } from '../i18n.js';
import { linkProps, navigate } from '../router.js';
import { can, workflowLink, type SessionInfo } from '../session.js';
import { formatDateTime } from '../time.js';
import { ConfirmDialog, Disclosure, EvidenceLinks, linksFrom, notLinksIn } from '../widgets.js';
import { StationBrand } from './station-brand.js';
import { StationPlans } from './station-plans.js';

// A station's three-stage plan, end to end: tasks with the work manual's guidance and evidence
// (a note and links), stage sign-off and send-back (choosing the tasks to reopen), supervision
// visits with follow-ups, the evaluation, pause / resume / reschedule / cancel, and the report.
// The plan is read live from its workflow (the records store stands in when it cannot answer).

type Community = Answer<'/api/communities'>['items'][number];
type Plan = Answer<'/api/stations/{communityId}/plan/live'>;
type Stage = Plan['stages'][number];
type StageName = Stage['stage'];
type Task = Plan['tasks'][number];
type Visit = Plan['visits'][number];
type MainTask = NonNullable<Task['mainTask']>;
type PlanFiles = ReturnType<typeof useCommunityAttachments>;
type FollowUp = NonNullable<Body<'/api/stations/{communityId}/plan/visits'>['followUps']>[number];

const STAGES: readonly StageName[] = ['guide', 'support', 'supervise'];
const MAIN_TASKS: readonly MainTask[] = ['post_building', 'talent_training', 'resource_linkage', 'professional_services'];
type Quality = keyof NonNullable<Body<'/api/stations/{communityId}/plan/evaluation'>['qualities']>;
/** The five qualities of the station's operating pattern: the evaluation's optional second rubric. */
const QUALITIES: readonly Quality[] = ['complete_system', 'sound_rules', 'clear_duties', 'standard_operation', 'professional_efficient'];
const STATUS_TONE: Record<string, string> = {
  done: 'ok', signed_off: 'ok', open: 'info', awaiting_sign_off: 'warn', pending: 'muted', cancelled: 'muted', recorded: 'ok', missed: 'bad',
  scheduled: 'info', running: 'info', paused: 'warn', completed: 'ok',
};

export function StationPage({ session, communityId }: { session: SessionInfo; communityId?: string }) {
  const { t, locale } = useI18n();
  const communities = usePolled(() => unwrap(api.GET('/api/communities')), 'communities', 60_000);
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
      {!communityId && communities.data ? <StationPlans session={session} communities={communities.data.items} /> : null}
      {selected ? <StationBrand key={`brand-${selected}`} session={session} communityId={selected} editable /> : null}
      {selected ? <PlanView key={selected} session={session} communityId={selected} community={withStation.find((c) => c.id === selected)} /> : null}
      {selected ? <Linkage key={`linkage-${selected}`} communityId={selected} /> : null}
      {selected ? <VentureProjects key={`vp-${selected}`} session={session} communityId={selected} /> : null}
    </div>
  );
}

function PlanView({ session, communityId, community }: { session: SessionInfo; communityId: string; community?: Community }) {
  const { t, locale } = useI18n();
  const path = { communityId };
  const plan = usePolled(() => unwrap(api.GET('/api/stations/{communityId}/plan/live', { params: { path } })), `plan:${communityId}`);
  const start = useAction();
  const files = useCommunityAttachments('plan_task', communityId);
  const notStarted = plan.error?.status === 404;
  const title = `${t('plan')} · ${community ? localized(locale, community.name) : communityId}`;

  if (notStarted) {
    return (
      <Section title={title}>
        <Empty>{t('no_plan')}</Empty>
        {can(session, 'plan.start') ? (
          <>
            <button type="button" className="primary" disabled={start.running} onClick={() => void start.run(() => unwrap(api.POST('/api/stations/{communityId}/plan', { params: { path }, body: {} }))).then((done) => done && plan.reload())}>{t('start_plan')}</button>
            <ErrorNote error={start.error} />
          </>
        ) : null}
      </Section>
    );
  }

  return (
    <Loadable state={plan}>
      {(data) => {
        const link = session.principal.role === 'admin' ? workflowLink(session, data.workflowId ?? `station-plan:${communityId}`) : undefined;
        const manage = can(session, 'stage.sign_off');
        const active = data.status === 'running' || data.status === 'paused';
        return (
          <>
            <Section title={title} actions={link ? <a className="button" href={link} target="_blank" rel="noopener noreferrer" title={t('engine_console_note')}>{t('engine_console')}</a> : undefined}>
              <p className="task-head">
                <Badge tone={STATUS_TONE[data.status] ?? 'info'}>{translateKey(t, 'status', data.status)}</Badge>
                <span>{t('plan_started_on')} <When date={data.startedOn} /></span>
                <a {...linkProps(`/manual?${new URLSearchParams({ template: data.template.id, version: String(data.template.version) }).toString()}`)} data-testid="plan-manual-version">
                  {t('plan_manual_version', { version: data.template.version })}
                </a>
                <span className="muted">{data.source === 'workflow' ? t('plan_source_workflow') : t('plan_source_store')}</span>
              </p>
              {data.status === 'paused' && data.pausedAt ? <p className="note">{t('plan_paused_since', { at: formatDateTime(data.pausedAt, locale) })}</p> : null}
              {data.cancellation ? (
                <p className="note">{t('plan_cancelled_note', { at: formatDateTime(data.cancellation.at, locale), by: data.cancellation.by ?? '—' })}{data.cancellation.reason ? ` ${t('reason')}: ${data.cancellation.reason}` : ''}</p>
              ) : null}
              <ol className="timeline" aria-label={t('plan')}>
                {STAGES.map((stageName) => {
                  const stage = data.stages.find((s) => s.stage === stageName);
                  const status = stage?.status ?? 'pending';
                  return (
                    <li key={stageName} className={`step step-${status}`} aria-current={data.currentStage === stageName ? 'step' : undefined}>
                      <span className="step-name">{stage ? localized(locale, stage.name) : t(`stage_${stageName}`)}</span>
                      <Badge tone={STATUS_TONE[status] ?? 'muted'}>{translateKey(t, 'status', status)}</Badge>
                      <When at={stage?.signedOffAt ?? stage?.startedAt} />
                    </li>
                  );
                })}
              </ol>
              {manage && active ? <PlanControls communityId={communityId} plan={data} onChange={plan.reload} /> : null}
            </Section>
            {STAGES.map((stageName) => (
              <StageCard key={stageName} session={session} communityId={communityId} planId={data.planId} files={files} stageName={stageName}
                stage={data.stages.find((s) => s.stage === stageName)} tasks={data.tasks.filter((task) => task.stage === stageName)}
                planActive={data.status === 'running'} onChange={plan.reload} />
            ))}
            <Visits session={session} communityId={communityId} plan={data} onChange={plan.reload} />
            <Evaluation session={session} communityId={communityId} plan={data} onChange={plan.reload} />
            <Report plan={data} />
            <p><a {...linkProps('/')}>{t('nav_overview')}</a></p>
          </>
        );
      }}
    </Loadable>
  );
}

/** Pause or resume, move every open due date, or cancel the plan (asks first, with the reason). */
function PlanControls({ communityId, plan, onChange }: { communityId: string; plan: Plan; onChange(): void }) {
  const { t } = useI18n();
  const path = { communityId };
  const pause = useAction();
  const resume = useAction();
  const reschedule = useAction();
  const cancel = useAction();
  const [pauseReason, setPauseReason] = useState('');
  const [days, setDays] = useState('5');
  const [rescheduleReason, setRescheduleReason] = useState('');
  const [cancelReason, setCancelReason] = useState('');
  const [confirmCancel, setConfirmCancel] = useState(false);
  const cancelError = cancel.error?.fieldMessage('reason');

  return (
    <div className="plan-controls">
      <h3>{t('plan_controls')}</h3>
      {plan.status === 'paused' ? (
        <div className="buttons">
          <button type="button" className="primary" disabled={resume.running}
            onClick={() => void resume.run(() => unwrap(api.POST('/api/stations/{communityId}/plan/resume', { params: { path }, body: {} }))).then((ok) => ok && onChange())}>
            {t('plan_resume')}
          </button>
          <ErrorNote error={resume.error} />
        </div>
      ) : (
        <Disclosure label={t('plan_pause')}>
          {(close) => (
            <form className="actions" onSubmit={(event) => {
              event.preventDefault();
              void pause.run(() => unwrap(api.POST('/api/stations/{communityId}/plan/pause', { params: { path }, body: pauseReason.trim() ? { reason: pauseReason.trim() } : {} })))
                .then((ok) => { if (ok) { setPauseReason(''); close(); onChange(); } });
            }}>
              <label>{t('reason')}<input name="pause-reason" value={pauseReason} onChange={(event) => setPauseReason(event.target.value)} /></label>
              <p className="muted">{t('plan_pause_effect')}</p>
              <button type="submit" className="primary" disabled={pause.running}>{t('plan_pause')}</button>
              <ErrorNote error={pause.error} />
            </form>
          )}
        </Disclosure>
      )}
      <Disclosure label={t('plan_reschedule')}>
        {(close) => (
          <form className="actions" onSubmit={(event) => {
            event.preventDefault();
            void reschedule.run(() => unwrap(api.POST('/api/stations/{communityId}/plan/reschedule', {
              params: { path }, body: { deltaWorkingDays: Number(days), ...(rescheduleReason.trim() ? { reason: rescheduleReason.trim() } : {}) },
            }))).then((ok) => { if (ok) { setRescheduleReason(''); close(); onChange(); } });
          }}>
            <label>{t('plan_reschedule_days')}
              <input name="delta-working-days" type="number" min={-260} max={260} step={1} value={days} onChange={(event) => setDays(event.target.value)}
                aria-invalid={reschedule.error?.fieldMessage('deltaWorkingDays') ? true : undefined} aria-describedby="reschedule-days-error" />
              <FieldError id="reschedule-days-error" message={reschedule.error?.fieldMessage('deltaWorkingDays')} />
            </label>
            <label>{t('reason')}<input name="reschedule-reason" value={rescheduleReason} onChange={(event) => setRescheduleReason(event.target.value)} /></label>
            <button type="submit" className="primary" disabled={reschedule.running}>{t('plan_reschedule')}</button>
            {!reschedule.error?.fieldMessage('deltaWorkingDays') ? <ErrorNote error={reschedule.error} /> : null}
          </form>
        )}
      </Disclosure>
      <Disclosure label={t('plan_cancel')}>
        {() => (
          <form className="actions" onSubmit={(event) => { event.preventDefault(); setConfirmCancel(true); }}>
            <label>{t('reason')}
              <input name="cancel-reason" required value={cancelReason} onChange={(event) => setCancelReason(event.target.value)}
                aria-invalid={cancelError ? true : undefined} aria-describedby="plan-cancel-error" />
              <FieldError id="plan-cancel-error" message={cancelError} />
            </label>
            <button type="submit" className="danger">{t('plan_cancel')}…</button>
            {!cancelError ? <ErrorNote error={cancel.error} /> : null}
          </form>
        )}
      </Disclosure>
      <ConfirmDialog open={confirmCancel} title={t('plan_cancel_confirm_title')} confirmLabel={t('plan_cancel')} danger busy={cancel.running}
        onClose={() => setConfirmCancel(false)}
        onConfirm={() => void cancel.run(() => unwrap(api.POST('/api/stations/{communityId}/plan/cancel', { params: { path }, body: { reason: cancelReason.trim() } })))
          .then((ok) => { setConfirmCancel(false); if (ok) onChange(); })}>
        <p>{t('plan_cancel_confirm_body')}</p>
        <p><strong>{t('reason')}:</strong> {cancelReason}</p>
      </ConfirmDialog>
    </div>
  );
}

function StageCard({ session, communityId, planId, files, stageName, stage, tasks, planActive, onChange }: {
  session: SessionInfo; communityId: string; planId: string; files: PlanFiles; stageName: StageName; stage: Stage | undefined; tasks: Task[]; planActive: boolean; onChange(): void;
}) {
  const { t, locale } = useI18n();
  const status = stage?.status ?? 'pending';
  const canSign = planActive && can(session, 'stage.sign_off') && (status === 'open' || status === 'awaiting_sign_off');
  const sendBacks = stage?.sendBacks ?? [];

  return (
    <Section title={`${translateKey(t, 'stage', stageName)} · ${translateKey(t, 'status', status)}`} id={`stage-${stageName}`}>
      {tasks.length === 0 ? <Empty /> : (
        <ul className="tasks">
          {tasks.map((task) => <TaskItem key={task.id} session={session} communityId={communityId} planId={planId} files={files} task={task} planActive={planActive} onChange={onChange} />)}
        </ul>
      )}
      {stage?.signedOffAt ? (
        <p className="note ok" data-testid={`signed-off-${stageName}`}>
          {t('signed_off_by', { by: stage.signedOffBy ?? '—', at: formatDateTime(stage.signedOffAt, locale) })}
          {stage.comments ? <> · {t('sign_off_comment')}: {stage.comments}</> : null}
        </p>
      ) : null}
      {sendBacks.length > 0 ? (
        <>
          <h3>{t('send_backs')}</h3>
          <ul className="list">
            {sendBacks.map((item, index) => (
              <li key={index}>
                <When at={item.at} /> · {item.by ?? '—'}: {item.comments ?? ''}
                {item.reopened.length > 0 ? <span className="muted"> · {t('reopened_tasks')}: {item.reopened.map((id) => taskTitle(tasks, id, locale)).join('、')}</span> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {canSign ? <SignOff communityId={communityId} stageName={stageName} tasks={tasks} onChange={onChange} /> : null}
      {canSign ? <SendBack communityId={communityId} stageName={stageName} tasks={tasks} onChange={onChange} /> : null}
    </Section>
  );
}

function taskTitle(tasks: Task[], id: string, locale: 'zh-CN' | 'en'): string {
  const task = tasks.find((item) => item.id === id);
  return task ? localized(locale, task.title) : id;
}

/** Signs the stage off; optional tasks still open are cancelled by it, so it asks first and names them. */
function SignOff({ communityId, stageName, tasks, onChange }: { communityId: string; stageName: StageName; tasks: Task[]; onChange(): void }) {
  const { t, locale } = useI18n();
  const signOff = useAction();
  const [comments, setComments] = useState('');
  const [confirming, setConfirming] = useState(false);
  const isOpen = (task: Task) => task.status === 'open' || task.status === 'pending';
  const openOptional = tasks.filter((task) => !task.required && isOpen(task));
  // While required tasks are open the API refuses, naming them; the question only matters once it would succeed.
  const asks = openOptional.length > 0 && !tasks.some((task) => task.required && isOpen(task));
  const commentsError = signOff.error?.fieldMessage('comments');
  const send = () => void signOff.run(() => unwrap(api.POST('/api/stations/{communityId}/plan/stages/{stage}/sign-off', {
    params: { path: { communityId, stage: stageName } }, body: comments.trim() ? { comments: comments.trim() } : {},
  }))).then((ok) => { setConfirming(false); if (ok) { setComments(''); onChange(); } });

  return (
    <form className="actions" aria-label={`${t('sign_off')} ${translateKey(t, 'stage', stageName)}`} onSubmit={(event) => {
      event.preventDefault();
      if (asks) setConfirming(true);
      else send();
    }}>
      <label>
        {t('sign_off_comment')}
        <textarea name="sign-off-comments" rows={2} value={comments} onChange={(event) => setComments(event.target.value)}
          aria-invalid={commentsError ? true : undefined} aria-describedby={`sign-off-${stageName}-error`} />
        <FieldError id={`sign-off-${stageName}-error`} message={commentsError} />
      </label>
      <div className="buttons"><button type="submit" className="primary" disabled={signOff.running}>{t('sign_off')}</button></div>
      {!commentsError ? <ErrorNote error={signOff.error} /> : null}
      <ConfirmDialog open={confirming} title={t('sign_off_confirm_title')} confirmLabel={t('sign_off')} busy={signOff.running} onClose={() => setConfirming(false)} onConfirm={send}>
        <p>{t('sign_off_confirm_body')}</p>
        <ul className="list">{openOptional.map((task) => <li key={task.id}>{localized(locale, task.title)}</li>)}</ul>
      </ConfirmDialog>
    </form>
  );
}

/** Sends the stage back with a comment, reopening the done tasks the supervisor ticks. */
function SendBack({ communityId, stageName, tasks, onChange }: { communityId: string; stageName: StageName; tasks: Task[]; onChange(): void }) {
  const { t, locale } = useI18n();
  const sendBack = useAction();
  const [comments, setComments] = useState('');
  const [reopen, setReopen] = useState<string[]>([]);
  const [days, setDays] = useState('');
  const done = tasks.filter((task) => task.status === 'done');
  const commentsError = sendBack.error?.fieldMessage('comments');
  return (
    <Disclosure label={t('send_back')}>
      {(close) => (
        <form className="actions" aria-label={`${t('send_back')} ${translateKey(t, 'stage', stageName)}`} onSubmit={(event) => {
          event.preventDefault();
          void sendBack.run(() => unwrap(api.POST('/api/stations/{communityId}/plan/stages/{stage}/send-back', {
            params: { path: { communityId, stage: stageName } },
            body: { comments: comments.trim(), reopenTaskIds: reopen, ...(days.trim() ? { dueInWorkingDays: Number(days) } : {}) },
          }))).then((ok) => { if (ok) { setComments(''); setReopen([]); setDays(''); close(); onChange(); } });
        }}>
          <fieldset>
            <legend>{t('reopen_which')}</legend>
            {done.length === 0 ? <p className="muted">{t('reopen_none_done')}</p> : (
              <ul className="checks">
                {done.map((task) => (
                  <li key={task.id}>
                    <label>
                      <input type="checkbox" name="reopen" value={task.id} checked={reopen.includes(task.id)}
                        onChange={(event) => setReopen((list) => (event.target.checked ? [...list, task.id] : list.filter((id) => id !== task.id)))} />
                      {localized(locale, task.title)}
                    </label>
                  </li>
                ))}
              </ul>
            )}
          </fieldset>
          <label>{t('send_back_reason')}
            <textarea name="send-back-comments" rows={2} required value={comments} onChange={(event) => setComments(event.target.value)}
              aria-invalid={commentsError ? true : undefined} aria-describedby={`send-back-${stageName}-error`} />
            <FieldError id={`send-back-${stageName}-error`} message={commentsError} />
          </label>
          <label>{t('reopen_due_days')}
            <input name="due-in-working-days" type="number" min={0} max={260} value={days} onChange={(event) => setDays(event.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={sendBack.running}>{t('send_back')}</button>
          {!commentsError ? <ErrorNote error={sendBack.error} /> : null}
        </form>
      )}
    </Disclosure>
  );
}

function TaskItem({ session, communityId, planId, files, task, planActive, onChange }: { session: SessionInfo; communityId: string; planId: string; files: PlanFiles; task: Task; planActive: boolean; onChange(): void }) {
  const { t, locale } = useI18n();
  const [note, setNote] = useState('');
  const [links, setLinks] = useState('');
  const complete = useAction();
  const { status, guidance, evidence } = task;
  const overdue = status === 'open' && task.dueAt !== null && Date.parse(task.dueAt) < Date.now();
  const taskId = task.id;
  const noteError = complete.error?.fieldMessage('note');
  const badLinks = notLinksIn(links);
  const linksError = badLinks.length > 0 ? t('links_not_http', { links: badLinks.join(' ') }) : complete.error?.fieldMessage('links');
  return (
    <li className="task" data-task={taskId}>
      <div className="task-head">
        <strong>{localized(locale, task.title)}</strong>
        <Badge tone={overdue ? 'bad' : STATUS_TONE[status] ?? 'muted'}>{overdue ? t('overdue') : translateKey(t, 'status', status)}</Badge>
        <span className="muted">{task.required ? t('required') : t('optional')}{task.mainTask ? ` · ${translateKey(t, 'main_task', task.mainTask)}` : ''}{task.source === 'follow_up' ? ` · ${t('follow_up')}` : ''}</span>
        <span className={overdue ? 'due overdue' : 'due'}>{t('due')} <When at={task.dueAt} /></span>
      </div>
      {guidance ? (
        <details>
          <summary>{t('guidance')}</summary>
          <dl className="guidance">
            <dt>{t('why')}</dt><dd>{localized(locale, guidance.why)}</dd>
            <dt>{t('how')}</dt><dd>{localized(locale, guidance.how)}</dd>
            <dt>{t('what_counts')}</dt><dd>{localized(locale, guidance.evidence)}</dd>
          </dl>
        </details>
      ) : null}
      {status === 'done' && evidence ? (
        <div className="evidence">
          <p>{t('evidence')}: {evidence.note}</p>
          <EvidenceLinks links={evidence.links} />
          <p className="muted">{t('completed_by', { by: task.completedBy ?? '—', at: formatDateTime(task.completedAt, locale) })}</p>
        </div>
      ) : null}
      {planActive && status === 'open' && can(session, 'task.complete') ? (
        <form className="actions" aria-label={`${t('complete')} ${localized(locale, task.title)}`} onSubmit={(event) => {
          event.preventDefault();
          if (badLinks.length > 0) return;
          void complete.run(() => unwrap(api.POST('/api/stations/{communityId}/plan/tasks/{taskId}/complete', {
            params: { path: { communityId, taskId } }, body: { evidence: { note: note.trim(), links: linksFrom(links) } },
          }))).then((ok) => { if (ok) { setNote(''); setLinks(''); onChange(); } });
        }}>
          <label>
            {t('evidence_note')}
            <textarea name="evidence-note" rows={2} value={note} onChange={(event) => setNote(event.target.value)}
              aria-invalid={noteError ? true : undefined} aria-describedby={`evidence-${taskId}-error`} />
            <FieldError id={`evidence-${taskId}-error`} message={noteError} />
          </label>
          <label>
            {t('evidence_links')}
            <textarea name="evidence-links" rows={2} value={links} onChange={(event) => setLinks(event.target.value)}
              aria-invalid={linksError ? true : undefined} aria-describedby={`links-${taskId}-hint links-${taskId}-error`} />
            <span id={`links-${taskId}-hint`} className="muted">{t('evidence_links_hint')}</span>
            <FieldError id={`links-${taskId}-error`} message={linksError} />
          </label>
          <button type="submit" className="primary" disabled={complete.running}>{t('complete')}</button>
          {!noteError && !linksError ? <ErrorNote error={complete.error} /> : null}
        </form>
      ) : null}
      <AttachmentList ownerKind="plan_task" ownerId={`${planId}:${taskId}`} list={files} canAttach={can(session, 'attachments.add') && status !== 'cancelled'}
        upload={{ path: `/api/stations/${encodeURIComponent(communityId)}/plan/tasks/${encodeURIComponent(taskId)}/attachments`, route: '/api/stations/{communityId}/plan/tasks/{taskId}/attachments' }} />
    </li>
  );
}

function Visits({ session, communityId, plan, onChange }: { session: SessionInfo; communityId: string; plan: Plan; onChange(): void }) {
  const { t, locale } = useI18n();
  const open = plan.visits.filter((visit) => visit.status === 'scheduled' || visit.status === 'pending');
  const canRecord = can(session, 'stage.sign_off') && plan.status === 'running' && plan.currentStage === 'supervise' && open.length > 0;
  return (
    <Section title={t('supervision_visits')} id="visits">
      {plan.visits.length === 0 ? <Empty>{t('visits_none')}</Empty> : (
        <div className="scroll" tabIndex={0} role="region" aria-label={t('supervision_visits')}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">#</th><th scope="col">{t('due')}</th><th scope="col">{t('status')}</th><th scope="col">{t('visit_date')}</th>
                <th scope="col">{t('visit_visitor')}</th><th scope="col">{t('visit_findings')}</th><th scope="col">{t('visit_follow_ups')}</th>
              </tr>
            </thead>
            <tbody>
              {plan.visits.map((visit) => (
                <tr key={visit.no} data-visit={visit.no}>
                  <td>{visit.no}</td>
                  <td><When at={visit.dueAt} /></td>
                  <td><Badge tone={STATUS_TONE[visit.status] ?? 'muted'}>{translateKey(t, 'status', visit.status)}</Badge></td>
                  <td><When at={visit.recordedAt} /></td>
                  <td>{visit.recordedBy ?? '—'}</td>
                  <td>{visit.notes ?? '—'}</td>
                  <td>{visit.followUpTaskIds.length === 0 ? '—' : visit.followUpTaskIds.map((id) => taskTitle(plan.tasks, id, locale)).join('、')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canRecord ? <VisitForm communityId={communityId} visits={open} onChange={onChange} /> : null}
    </Section>
  );
}

interface FollowUpDraft { title: string; mainTask: MainTask | ''; required: boolean; days: string }

function VisitForm({ communityId, visits, onChange }: { communityId: string; visits: Visit[]; onChange(): void }) {
  const { t } = useI18n();
  const record = useAction();
  const [chosen, setChosen] = useState(String(visits[0]?.no ?? ''));
  // Once the chosen visit is recorded it leaves the open ones: the next open visit is offered.
  const visitNo = visits.some((visit) => String(visit.no) === chosen) ? chosen : String(visits[0]?.no ?? '');
  const [notes, setNotes] = useState('');
  const [followUps, setFollowUps] = useState<FollowUpDraft[]>([]);
  const notesError = record.error?.fieldMessage('notes');
  const edit = (index: number, change: Partial<FollowUpDraft>) => setFollowUps((list) => list.map((item, i) => (i === index ? { ...item, ...change } : item)));
  return (
    <Disclosure label={t('visit_record')}>
      {(close) => (
        <form className="actions" aria-label={t('visit_record')} onSubmit={(event) => {
          event.preventDefault();
          const body = {
            visitNo: Number(visitNo), notes: notes.trim(),
            followUps: followUps.filter((item) => item.title.trim()).map((item): FollowUp => ({
              title: item.title.trim(), required: item.required, ...(item.mainTask ? { mainTask: item.mainTask } : {}), ...(item.days.trim() ? { dueInWorkingDays: Number(item.days) } : {}),
            })),
          };
          void record.run(() => unwrap(api.POST('/api/stations/{communityId}/plan/visits', { params: { path: { communityId } }, body })))
            .then((ok) => { if (ok) { setNotes(''); setFollowUps([]); close(); onChange(); } });
        }}>
          <label>{t('visit_which')}
            <select name="visit-no" value={visitNo} onChange={(event) => setChosen(event.target.value)}>
              {visits.map((visit) => <option key={visit.no} value={visit.no}>#{visit.no}</option>)}
            </select>
          </label>
          <label>{t('visit_findings')}
            <textarea name="visit-notes" rows={3} required value={notes} onChange={(event) => setNotes(event.target.value)}
              aria-invalid={notesError ? true : undefined} aria-describedby="visit-notes-error" />
            <FieldError id="visit-notes-error" message={notesError} />
          </label>
          <fieldset>
            <legend>{t('visit_follow_ups')}</legend>
            {followUps.map((item, index) => (
              <div key={index} className="session-row" data-follow-up={index}>
                <label>{t('follow_up_title')}<input name={`follow-up-title-${index}`} value={item.title} onChange={(event) => edit(index, { title: event.target.value })} /></label>
                <label>{t('main_task')}
                  <select name={`follow-up-main-task-${index}`} value={item.mainTask} onChange={(event) => edit(index, { mainTask: event.target.value as MainTask | '' })}>
                    <option value="">—</option>
                    {MAIN_TASKS.map((key) => <option key={key} value={key}>{translateKey(t, 'main_task', key)}</option>)}
                  </select>
                </label>
                <label>{t('reopen_due_days')}<input name={`follow-up-days-${index}`} type="number" min={0} max={260} value={item.days} onChange={(event) => edit(index, { days: event.target.value })} /></label>
                <label className="inline"><input type="checkbox" checked={item.required} onChange={(event) => edit(index, { required: event.target.checked })} />{t('required')}</label>
                <button type="button" onClick={() => setFollowUps((list) => list.filter((_, i) => i !== index))}>{t('remove')}</button>
              </div>
            ))}
            <button type="button" onClick={() => setFollowUps((list) => [...list, { title: '', mainTask: '', required: true, days: '' }])}>{t('follow_up_add')}</button>
          </fieldset>
          <button type="submit" className="primary" disabled={record.running}>{t('visit_record')}</button>
          {!notesError ? <ErrorNote error={record.error} /> : null}
        </form>
      )}
    </Disclosure>
  );
}

/**
 * The plan's evaluation. The API documents `evaluation` as any JSON (planView in
 * src/schemas/station-plan.ts), so its shape is checked here.
 */
function evaluationOf(value: unknown): {
  scores: Array<[MainTask, number]>; average: number; qualities: { scores: Array<[Quality, number]>; average: number } | null;
  comments: string | null; by: string | null;
} | null {
  if (typeof value !== 'object' || value === null) return null;
  const { scores, average, qualities, comments, by } = value as { scores?: unknown; average?: unknown; qualities?: unknown; comments?: unknown; by?: unknown };
  if (typeof scores !== 'object' || scores === null || typeof average !== 'number') return null;
  return {
    scores: rubricScores(MAIN_TASKS, scores),
    average,
    qualities: qualitiesOf(qualities),
    comments: typeof comments === 'string' ? comments : null,
    by: typeof by === 'string' ? by : null,
  };
}

function qualitiesOf(value: unknown): { scores: Array<[Quality, number]>; average: number } | null {
  if (typeof value !== 'object' || value === null) return null;
  const { scores, average } = value as { scores?: unknown; average?: unknown };
  if (typeof scores !== 'object' || scores === null || typeof average !== 'number') return null;
  return { scores: rubricScores(QUALITIES, scores), average };
}

/** A rubric's scores in its own order, the keys that hold a number only. */
function rubricScores<K extends string>(keys: readonly K[], scores: object): Array<[K, number]> {
  const given = scores as Partial<Record<K, unknown>>;
  return keys.flatMap((key) => { const value = given[key]; return typeof value === 'number' ? [[key, value] as [K, number]] : []; });
}

function Evaluation({ session, communityId, plan, onChange }: { session: SessionInfo; communityId: string; plan: Plan; onChange(): void }) {
  const { t } = useI18n();
  const evaluation = evaluationOf(plan.evaluation);
  const canEvaluate = can(session, 'stage.sign_off') && plan.status === 'running' && plan.currentStage === 'supervise' && !evaluation;
  return (
    <Section title={t('evaluation')} id="evaluation">
      {!evaluation || evaluation.scores.length === 0 ? <Empty>{t('evaluation_pending')}</Empty> : (
        <>
          <table className="table compact">
            <tbody>
              {evaluation.scores.map(([key, value]) => <tr key={key}><th scope="row">{translateKey(t, 'main_task', key)}</th><td className="num">{value} / 5</td></tr>)}
              <tr><th scope="row">{t('evaluation_average')}</th><td className="num">{evaluation.average}</td></tr>
            </tbody>
          </table>
          {evaluation.qualities && evaluation.qualities.scores.length > 0 ? (
            <table className="table compact" aria-label={t('evaluation_qualities')}>
              <caption>{t('evaluation_qualities')}</caption>
              <tbody>
                {evaluation.qualities.scores.map(([key, value]) => <tr key={key}><th scope="row">{translateKey(t, 'quality', key)}</th><td className="num">{value} / 5</td></tr>)}
                <tr><th scope="row">{t('evaluation_average')}</th><td className="num">{evaluation.qualities.average}</td></tr>
              </tbody>
            </table>
          ) : null}
          {evaluation.comments ? <p className="prewrap">{evaluation.comments}</p> : null}
          {evaluation.by ? <p className="muted">{t('evaluated_by', { by: evaluation.by })}</p> : null}
        </>
      )}
      {canEvaluate ? <EvaluationForm communityId={communityId} onChange={onChange} /> : null}
    </Section>
  );
}

function EvaluationForm({ communityId, onChange }: { communityId: string; onChange(): void }) {
  const { t } = useI18n();
  const submit = useAction();
  const [scores, setScores] = useState<Record<MainTask, string>>({ post_building: '', talent_training: '', resource_linkage: '', professional_services: '' });
  const [notes, setNotes] = useState<Record<MainTask, string>>({ post_building: '', talent_training: '', resource_linkage: '', professional_services: '' });
  const [qualities, setQualities] = useState<Record<Quality, string>>(
    { complete_system: '', sound_rules: '', clear_duties: '', standard_operation: '', professional_efficient: '' });
  const [overall, setOverall] = useState('');
  // The five qualities are optional as a whole: scored when any of them is chosen (then all five are needed).
  const qualitiesChosen = QUALITIES.some((key) => qualities[key] !== '');
  return (
    <Disclosure label={t('evaluation_record')}>
      {(close) => (
        <form className="actions" aria-label={t('evaluation_record')} onSubmit={(event) => {
          event.preventDefault();
          const body = {
            scores: {
              post_building: Number(scores.post_building), talent_training: Number(scores.talent_training),
              resource_linkage: Number(scores.resource_linkage), professional_services: Number(scores.professional_services),
            },
            ...(qualitiesChosen ? {
              qualities: {
                complete_system: Number(qualities.complete_system), sound_rules: Number(qualities.sound_rules),
                clear_duties: Number(qualities.clear_duties), standard_operation: Number(qualities.standard_operation),
                professional_efficient: Number(qualities.professional_efficient),
              },
            } : {}),
            comments: evaluationComments(t, notes, overall),
          };
          void submit.run(() => unwrap(api.POST('/api/stations/{communityId}/plan/evaluation', { params: { path: { communityId } }, body })))
            .then((ok) => { if (ok) { close(); onChange(); } });
        }}>
          <div className="scores">
            {MAIN_TASKS.map((key) => {
              const error = submit.error?.fieldMessage(`scores.${key}`);
              return (
                <fieldset key={key} data-main-task={key}>
                  <legend>{translateKey(t, 'main_task', key)}</legend>
                  <label>{t('evaluation_score')}
                    <select name={`score-${key}`} required value={scores[key]} onChange={(event) => setScores((s) => ({ ...s, [key]: event.target.value }))}
                      aria-invalid={error ? true : undefined} aria-describedby={`score-${key}-error`}>
                      <option value="" disabled>—</option>
                      {[1, 2, 3, 4, 5].map((n) => <option key={n} value={n}>{n}</option>)}
                    </select>
                    <FieldError id={`score-${key}-error`} message={error} />
                  </label>
                  <label>{t('evaluation_comment')}<textarea name={`comment-${key}`} rows={2} value={notes[key]} onChange={(event) => setNotes((s) => ({ ...s, [key]: event.target.value }))} /></label>
                </fieldset>
              );
            })}
          </div>
          <fieldset className="scores" data-rubric="qualities">
            <legend>{t('evaluation_qualities')}</legend>
            <p className="muted">{t('evaluation_qualities_hint')}</p>
            {QUALITIES.map((key) => {
              const error = submit.error?.fieldMessage(`qualities.${key}`);
              return (
                <label key={key} data-quality={key}>{translateKey(t, 'quality', key)}
                  <select name={`quality-${key}`} required={qualitiesChosen} value={qualities[key]}
                    onChange={(event) => setQualities((s) => ({ ...s, [key]: event.target.value }))}
                    aria-invalid={error ? true : undefined} aria-describedby={`quality-${key}-error`}>
                    <option value="">—</option>
                    {[1, 2, 3, 4, 5].map((n) => <option key={n} value={n}>{n}</option>)}
                  </select>
                  <FieldError id={`quality-${key}-error`} message={error} />
                </label>
              );
            })}
          </fieldset>
          <label>{t('evaluation_overall')}<textarea name="evaluation-overall" rows={2} value={overall} onChange={(event) => setOverall(event.target.value)} /></label>
          <button type="submit" className="primary" disabled={submit.running}>{t('evaluation_record')}</button>
          <ErrorNote error={submit.error} />
        </form>
      )}
    </Disclosure>
  );
}

/** One comment for the record: each main task's line, then the overall comment. */
function evaluationComments(t: Translate, notes: Record<MainTask, string>, overall: string): string {
  const lines = MAIN_TASKS.filter((key) => notes[key].trim()).map((key) => `${translateKey(t, 'main_task', key)}: ${notes[key].trim()}`);
  if (overall.trim()) lines.push(overall.trim());
  return lines.join('\n');
}

interface PlanReport {
  completedAt: string;
  tasks: { total: number; done: number; onTime: number; late: number; followUps: number };
  visits: { planned: number; recorded: number; missed: number; followUps: number };
  pausedDays: number;
  reschedules: number;
}

/** The plan report the workflow writes when the plan completes; documented as any JSON, so checked here. */
function reportOf(value: unknown): PlanReport | null {
  if (typeof value !== 'object' || value === null) return null;
  const report = value as Partial<PlanReport>;
  if (typeof report.completedAt !== 'string' || typeof report.tasks !== 'object' || typeof report.visits !== 'object') return null;
  return report as PlanReport;
}

function Report({ plan }: { plan: Plan }) {
  const { t, locale } = useI18n();
  const report = reportOf(plan.report);
  if (!report) return null;
  const rows: Array<[string, string | number]> = [
    [t('report_completed_at'), formatDateTime(report.completedAt, locale)],
    [t('report_tasks_done'), `${report.tasks.done} / ${report.tasks.total}`],
    [t('report_on_time'), report.tasks.onTime],
    [t('report_late'), report.tasks.late],
    [t('report_follow_ups'), report.tasks.followUps],
    [t('report_visits'), `${report.visits.recorded} / ${report.visits.planned}`],
    [t('report_visits_missed'), report.visits.missed],
    [t('report_paused_days'), report.pausedDays],
    [t('report_reschedules'), report.reschedules],
  ];
  return (
    <Section title={t('plan_report')} id="report">
      <table className="table compact">
        <tbody>{rows.map(([label, value]) => <tr key={label}><th scope="row">{label}</th><td className="num">{value}</td></tr>)}</tbody>
      </table>
    </Section>
  );
}

/** The station's venture projects, each with its evidence files. */
function VentureProjects({ session, communityId }: { session: SessionInfo; communityId: string }) {
  const { t, locale } = useI18n();
  const projects = usePolled(() => unwrap(api.GET('/api/venture-projects', { params: { query: { communityId } } })), `venture:${communityId}`, 60_000);
  return (
    <Section title={t('venture_projects')} id="venture-projects">
      <Loadable state={projects} empty={(data) => data.items.length === 0}>
        {(data) => (
          <ul className="list">
            {data.items.map((project) => (
              <li key={project.id} data-project={project.id}>
                <strong>{localized(locale, project.title)}</strong>{' '}
                <Badge tone={STATUS_TONE[project.status] ?? 'info'}>{translateKey(t, 'status', project.status)}</Badge>{' '}
                <span className="muted">{translateKey(t, 'venture_theme', project.theme)} · {t('residents_total', { n: project.residentsServed })}</span>
                {can(session, 'attachments.view') ? (
                  <AttachmentsToggle ownerKind="venture_project" ownerId={project.id} canAttach={can(session, 'attachments.add')}
                    upload={{ path: `/api/venture-projects/${encodeURIComponent(project.id)}/attachments`, route: '/api/venture-projects/{projectId}/attachments' }} />
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </Loadable>
    </Section>
  );
}

function Linkage({ communityId }: { communityId: string }) {
  const { t } = useI18n();
  const index = usePolled(() => unwrap(api.GET('/api/linkage-index', { params: { query: { communityId } } })), `linkage:${communityId}`, 60_000);
  return (
    <Section title={t('linkage_index')} id="linkage-index">
      <Loadable state={index}>{(data) => <StationLinkage index={data} communityId={communityId} />}</Loadable>
    </Section>
  );
}

import { useState } from 'react';
import { api, unwrap, type Answer } from '../api/client.js';
import { AttachmentList, AttachmentsToggle, useCommunityAttachments } from '../attachments.js';
import { Badge, Empty, ErrorNote, FieldError, Loadable, Section } from '../components.js';
import { useAction, usePolled } from '../hooks.js';
import { localized, translateKey, useI18n } from '../i18n.js';
import { linkProps, navigate } from '../router.js';
import { can, workflowLink, type SessionInfo } from '../session.js';
import { formatDate, formatDateTime } from '../time.js';

type Community = Answer<'/api/communities'>['items'][number];
type Plan = Answer<'/api/stations/{communityId}/plan'>;
type Stage = Plan['stages'][number];
type StageName = Stage['stage'];
type Task = Plan['tasks'][number];
type MainTask = NonNullable<Task['mainTask']>;
type PlanFiles = ReturnType<typeof useCommunityAttachments>;

const STAGES: readonly StageName[] = ['guide', 'support', 'supervise'];
const MAIN_TASKS: readonly MainTask[] = ['post_building', 'talent_training', 'resource_linkage', 'professional_services'];
const STATUS_TONE: Record<string, string> = { done: 'ok', signed_off: 'ok', open: 'info', awaiting_sign_off: 'warn', pending: 'muted', cancelled: 'muted', recorded: 'ok', missed: 'bad' };

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
      {selected ? <PlanView key={selected} session={session} communityId={selected} community={withStation.find((c) => c.id === selected)} /> : null}
      {selected ? <VentureProjects key={`vp-${selected}`} session={session} communityId={selected} /> : null}
    </div>
  );
}

function PlanView({ session, communityId, community }: { session: SessionInfo; communityId: string; community?: Community }) {
  const { t, locale } = useI18n();
  const path = { communityId };
  const plan = usePolled(() => unwrap(api.GET('/api/stations/{communityId}/plan', { params: { path } })), `plan:${communityId}`);
  const start = useAction();
  const files = useCommunityAttachments('plan_task', communityId);
  const notStarted = plan.error?.status === 404;

  if (notStarted) {
    return (
      <Section title={`${t('plan')} · ${community ? localized(locale, community.name) : communityId}`}>
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
        const link = workflowLink(session, data.workflowId ?? `station-plan:${communityId}`);
        return (
          <>
            <Section
              title={`${t('plan')} · ${community ? localized(locale, community.name) : communityId}`}
              actions={link ? <a className="button" href={link} target="_blank" rel="noreferrer">{t('open_in_temporal')}</a> : <span className="muted">{t('temporal_unavailable')}</span>}
            >
              <p>
                <Badge tone={STATUS_TONE[data.status] ?? 'info'}>{translateKey(t, 'status', data.status)}</Badge>
                {' '}{formatDate(data.startedOn, locale)}
              </p>
              <ol className="timeline" aria-label={t('plan')}>
                {STAGES.map((stageName) => {
                  const stage = data.stages.find((s) => s.stage === stageName);
                  const status = stage?.status ?? 'pending';
                  return (
                    <li key={stageName} className={`step step-${status}`} aria-current={data.currentStage === stageName ? 'step' : undefined}>
                      <span className="step-name">{stage ? localized(locale, stage.name) : t(`stage_${stageName}`)}</span>
                      <Badge tone={STATUS_TONE[status] ?? 'muted'}>{translateKey(t, 'status', status)}</Badge>
                      <span className="muted">{formatDateTime(stage?.signedOffAt ?? stage?.startedAt, locale)}</span>
                    </li>
                  );
                })}
              </ol>
            </Section>
            {STAGES.map((stageName) => {
              const stage = data.stages.find((s) => s.stage === stageName);
              const stageTasks = data.tasks.filter((task) => task.stage === stageName);
              return <StageCard key={stageName} session={session} communityId={communityId} planId={data.planId} files={files} stageName={stageName} stage={stage} tasks={stageTasks} onChange={plan.reload} />;
            })}
            <Visits plan={data} />
          </>
        );
      }}
    </Loadable>
  );
}

function StageCard({ session, communityId, planId, files, stageName, stage, tasks, onChange }: {
  session: SessionInfo; communityId: string; planId: string; files: PlanFiles; stageName: StageName; stage: Stage | undefined; tasks: Task[]; onChange(): void;
}) {
  const { t, locale } = useI18n();
  const status = stage?.status ?? 'pending';
  const path = { communityId, stage: stageName };
  const signOff = useAction();
  const sendBack = useAction();
  const [comments, setComments] = useState('');
  const canSign = can(session, 'stage.sign_off') && (status === 'open' || status === 'awaiting_sign_off');
  const commentsError = sendBack.error?.fieldMessage('comments') ?? signOff.error?.fieldMessage('comments');
  const sendBacks = stage?.sendBacks ?? [];

  return (
    <Section title={`${translateKey(t, 'stage', stageName)} · ${translateKey(t, 'status', status)}`} id={`stage-${stageName}`}>
      {tasks.length === 0 ? <Empty /> : (
        <ul className="tasks">
          {tasks.map((task) => <TaskItem key={task.id} session={session} communityId={communityId} planId={planId} files={files} task={task} onChange={onChange} />)}
        </ul>
      )}
      {sendBacks.length > 0 ? (
        <ul className="list muted">
          {sendBacks.map((item, index) => <li key={index}>{t('send_back')} · {formatDateTime(item.at, locale)} · {item.by ?? ''}: {item.comments ?? ''}</li>)}
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
              onClick={() => void signOff.run(() => unwrap(api.POST('/api/stations/{communityId}/plan/stages/{stage}/sign-off', { params: { path }, body: comments ? { comments } : {} }))).then((done) => { if (done) { setComments(''); onChange(); } })}>
              {t('sign_off')}
            </button>
            <button type="button" disabled={sendBack.running}
              onClick={() => void sendBack.run(() => unwrap(api.POST('/api/stations/{communityId}/plan/stages/{stage}/send-back', { params: { path }, body: { comments, reopenTaskIds: [] } }))).then((done) => { if (done) { setComments(''); onChange(); } })}>
              {t('send_back')}
            </button>
          </div>
          {!commentsError ? <ErrorNote error={signOff.error ?? sendBack.error} /> : null}
        </form>
      ) : null}
    </Section>
  );
}

function TaskItem({ session, communityId, planId, files, task, onChange }: { session: SessionInfo; communityId: string; planId: string; files: PlanFiles; task: Task; onChange(): void }) {
  const { t, locale } = useI18n();
  const [note, setNote] = useState('');
  const complete = useAction();
  const { status, guidance, evidence } = task;
  const overdue = status === 'open' && task.dueAt !== null && Date.parse(task.dueAt) < Date.now();
  const taskId = task.id;
  const noteError = complete.error?.fieldMessage('note') ?? complete.error?.fieldMessage('evidence');
  return (
    <li className="task" data-task={taskId}>
      <div className="task-head">
        <strong>{localized(locale, task.title)}</strong>
        <Badge tone={overdue ? 'bad' : STATUS_TONE[status] ?? 'muted'}>{translateKey(t, 'status', status)}</Badge>
        <span className="muted">{task.required ? t('required') : t('optional')} · {translateKey(t, 'main_task', task.mainTask)}</span>
        <span className={overdue ? 'due overdue' : 'due'}>{t('due')} {formatDateTime(task.dueAt, locale)}</span>
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
      {status === 'done' ? (
        <p className="evidence">{t('evidence')}: {evidence?.note ?? ''} {evidence?.links.join(' ') ?? ''}
          <span className="muted"> · {task.completedBy ?? ''} · {formatDateTime(task.completedAt, locale)}</span></p>
      ) : null}
      {status === 'open' && can(session, 'task.complete') ? (
        <form className="actions" onSubmit={(event) => {
          event.preventDefault();
          const links = note.match(/https?:\/\/\S+/g) ?? [];
          void complete.run(() => unwrap(api.POST('/api/stations/{communityId}/plan/tasks/{taskId}/complete', { params: { path: { communityId, taskId } }, body: { evidence: { note, links } } }))).then((done) => { if (done) { setNote(''); onChange(); } });
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
      <AttachmentList ownerKind="plan_task" ownerId={`${planId}:${taskId}`} list={files} canAttach={can(session, 'attachments.add') && status !== 'cancelled'}
        upload={{ path: `/api/stations/${encodeURIComponent(communityId)}/plan/tasks/${encodeURIComponent(taskId)}/attachments`, route: '/api/stations/{communityId}/plan/tasks/{taskId}/attachments' }} />
    </li>
  );
}

/**
 * The plan's evaluation. The API's plan answer documents `evaluation` as any JSON (planView in
 * src/schemas/station-plan.ts), so its shape is checked here until the schema describes it.
 */
function evaluationOf(value: unknown): { scores: Array<[MainTask, number]>; average: number } | null {
  if (typeof value !== 'object' || value === null) return null;
  const { scores, average } = value as { scores?: unknown; average?: unknown };
  if (typeof scores !== 'object' || scores === null || typeof average !== 'number') return null;
  const given = scores as Partial<Record<MainTask, unknown>>;
  return { scores: MAIN_TASKS.flatMap((key) => (typeof given[key] === 'number' ? [[key, given[key]] as [MainTask, number]] : [])), average };
}

function Visits({ plan }: { plan: Plan }) {
  const { t, locale } = useI18n();
  const evaluation = evaluationOf(plan.evaluation);
  return (
    <Section title={`${t('supervision_visits')} · ${t('evaluation')}`}>
      {plan.visits.length === 0 ? <Empty /> : (
        <table className="table">
          <thead><tr><th scope="col">#</th><th scope="col">{t('due')}</th><th scope="col">{t('status')}</th><th scope="col">{t('evidence')}</th></tr></thead>
          <tbody>
            {plan.visits.map((visit) => (
              <tr key={visit.no}>
                <td>{visit.no}</td>
                <td>{formatDateTime(visit.dueAt, locale)}</td>
                <td><Badge tone={STATUS_TONE[visit.status] ?? 'muted'}>{translateKey(t, 'status', visit.status)}</Badge></td>
                <td>{visit.notes ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('evaluation')}</h3>
      {!evaluation || evaluation.scores.length === 0 ? <Empty>{t('evaluation_pending')}</Empty> : (
        <table className="table compact">
          <tbody>
            {evaluation.scores.map(([key, value]) => <tr key={key}><th scope="row">{translateKey(t, 'main_task', key)}</th><td className="num">{value}</td></tr>)}
            <tr><th scope="row">Σ</th><td className="num">{evaluation.average}</td></tr>
          </tbody>
        </table>
      )}
      <p><a {...linkProps('/')}>{t('nav_overview')}</a></p>
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
                <span className="muted">{translateKey(t, 'theme', project.theme)} · {t('residents_total', { n: project.residentsServed })}</span>
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

import { useState } from 'react';
import { api, unwrap, type Answer, type Query } from '../api/client.js';
import { Badge, Empty, ErrorNote, FieldError, Loadable, Section, When } from '../components.js';
import { useAction, usePolled } from '../hooks.js';
import { localized, translateKey, useI18n } from '../i18n.js';
import { linkProps, navigate } from '../router.js';
import { can, type SessionInfo } from '../session.js';
import { shanghaiToday } from '../time.js';
import { ConfirmDialog, Disclosure } from '../widgets.js';
import { Downloads } from '../downloads.js';

// Venture projects (公益创投): the list by theme and status; a station lead proposes, a supervisor
// approves or rejects (asked first, with the reason), the project starts, its services are recorded
// (residents served, a count), and a supervisor evaluates it.

type Detail = Answer<'/api/venture-projects/{projectId}'>;
type Theme = NonNullable<Query<'/api/venture-projects'>['theme']>;
type Status = NonNullable<Query<'/api/venture-projects'>['status']>;

const THEMES: readonly Theme[] = ['elderly', 'youth', 'community_governance', 'disabled', 'poverty_relief'];
const STATUSES: readonly Status[] = ['proposed', 'approved', 'running', 'evaluated', 'rejected'];
const STATUS_TONE: Record<Status, string> = { proposed: 'warn', approved: 'info', running: 'info', evaluated: 'ok', rejected: 'muted' };

export function VenturesPage({ session, projectId }: { session: SessionInfo; projectId?: string }) {
  return projectId ? <ProjectView session={session} projectId={projectId} /> : <ProjectList session={session} />;
}

function ProjectList({ session }: { session: SessionInfo }) {
  const { t, locale } = useI18n();
  const [theme, setTheme] = useState<Theme | ''>('');
  const [status, setStatus] = useState<Status | ''>('');
  const query = { ...(theme ? { theme } : {}), ...(status ? { status } : {}) };
  const projects = usePolled(() => unwrap(api.GET('/api/venture-projects', { params: { query } })), `ventures:${theme}:${status}`);
  return (
    <div className="stack">
      <Section title={t('ventures')} actions={
        <div className="buttons">
          <label className="inline">{t('theme')}
            <select name="theme-filter" value={theme} onChange={(event) => setTheme(event.target.value as Theme | '')}>
              <option value="">{t('all')}</option>
              {THEMES.map((key) => <option key={key} value={key}>{translateKey(t, 'venture_theme', key)}</option>)}
            </select>
          </label>
          <label className="inline">{t('status')}
            <select name="status-filter" value={status} onChange={(event) => setStatus(event.target.value as Status | '')}>
              <option value="">{t('all')}</option>
              {STATUSES.map((key) => <option key={key} value={key}>{translateKey(t, 'status', key)}</option>)}
            </select>
          </label>
          <Downloads path="/api/exports/venture-projects" query={{ theme: theme || undefined }} />
        </div>
      }>
        <Loadable state={projects}>
          {(data) => data.items.length === 0 ? <Empty>{t('ventures_none')}</Empty> : (
            <>
              {THEMES.filter((key) => data.items.some((p) => p.theme === key)).map((key) => {
                const rows = data.items.filter((p) => p.theme === key)
                  .sort((a, b) => STATUSES.indexOf(a.status) - STATUSES.indexOf(b.status) || a.id.localeCompare(b.id));
                return (
                  <div key={key} data-theme={key}>
                    <h3>{translateKey(t, 'venture_theme', key)} ({rows.length})</h3>
                    <ul className="tasks">
                      {rows.map((project) => (
                        <li key={project.id} className="task" data-project={project.id}>
                          <div className="task-head">
                            <a {...linkProps(`/ventures/${encodeURIComponent(project.id)}`)}><strong>{localized(locale, project.title)}</strong></a>
                            <Badge tone={STATUS_TONE[project.status]}>{translateKey(t, 'status', project.status)}</Badge>
                            <span className="muted">{localized(locale, project.communityName)}</span>
                            <span className="muted">{t('venture_residents', { n: project.residentsServed })}</span>
                          </div>
                        </li>
                      ))}
                    </ul>
                  </div>
                );
              })}
            </>
          )}
        </Loadable>
      </Section>
      {can(session, 'venture.propose') ? <ProposeForm onProposed={(id) => navigate(`/ventures/${encodeURIComponent(id)}`)} /> : null}
    </div>
  );
}

function ProposeForm({ onProposed }: { onProposed(id: string): void }) {
  const { t, locale } = useI18n();
  const communities = usePolled(() => unwrap(api.GET('/api/communities')), 'communities', 60_000);
  const propose = useAction();
  const [communityId, setCommunityId] = useState('');
  const [theme, setTheme] = useState<Theme>('elderly');
  const [titleZh, setTitleZh] = useState('');
  const [titleEn, setTitleEn] = useState('');
  const [startsOn, setStartsOn] = useState('');
  const [endsOn, setEndsOn] = useState('');
  const [budget, setBudget] = useState('');
  const field = (name: string) => propose.error?.fieldMessage(name);
  const withStation = communities.data?.items.filter((c) => c.station) ?? [];
  const shown = ['communityId', 'theme', 'zh', 'en', 'startsOn', 'endsOn', 'budgetYuan'].some((name) => field(name));
  return (
    <Section title={t('venture_propose')} id="propose">
      <form className="form columns" aria-label={t('venture_propose')} onSubmit={(event) => {
        event.preventDefault();
        const body = {
          communityId, theme, title: { zh: titleZh.trim(), ...(titleEn.trim() ? { en: titleEn.trim() } : {}) },
          ...(startsOn ? { startsOn } : {}), ...(endsOn ? { endsOn } : {}), ...(budget.trim() ? { budgetYuan: Number(budget) } : {}),
        };
        void propose.run(() => unwrap(api.POST('/api/venture-projects', { body }))).then((project) => { if (project) onProposed(project.id); });
      }}>
        <label>{t('community')}
          <select name="community" required value={communityId} onChange={(event) => setCommunityId(event.target.value)}
            aria-invalid={field('communityId') ? true : undefined} aria-describedby="propose-community-error">
            <option value="" disabled>—</option>
            {withStation.map((c) => <option key={c.id} value={c.id}>{localized(locale, c.name)}</option>)}
          </select>
          <FieldError id="propose-community-error" message={field('communityId')} />
        </label>
        <label>{t('theme')}
          <select name="theme" value={theme} onChange={(event) => setTheme(event.target.value as Theme)}>
            {THEMES.map((key) => <option key={key} value={key}>{translateKey(t, 'venture_theme', key)}</option>)}
          </select>
        </label>
        <label>{t('venture_title_zh')}
          <input name="title-zh" required value={titleZh} onChange={(event) => setTitleZh(event.target.value)} aria-invalid={field('zh') ? true : undefined} aria-describedby="propose-zh-error" />
          <FieldError id="propose-zh-error" message={field('zh')} />
        </label>
        <label>{t('venture_title_en')}
          <input name="title-en" value={titleEn} onChange={(event) => setTitleEn(event.target.value)} aria-invalid={field('en') ? true : undefined} aria-describedby="propose-en-error" />
          <FieldError id="propose-en-error" message={field('en')} />
        </label>
        <label>{t('venture_starts_on')}<input type="date" name="starts-on" value={startsOn} onChange={(event) => setStartsOn(event.target.value)} /></label>
        <label>{t('venture_ends_on')}
          <input type="date" name="ends-on" value={endsOn} onChange={(event) => setEndsOn(event.target.value)} aria-invalid={field('endsOn') ? true : undefined} aria-describedby="propose-ends-error" />
          <FieldError id="propose-ends-error" message={field('endsOn')} />
        </label>
        <label>{t('venture_budget')}
          <input type="number" name="budget" min={0} step={100} value={budget} onChange={(event) => setBudget(event.target.value)} aria-invalid={field('budgetYuan') ? true : undefined} aria-describedby="propose-budget-error" />
          <FieldError id="propose-budget-error" message={field('budgetYuan')} />
        </label>
        <div><button type="submit" className="primary" disabled={propose.running}>{t('venture_propose')}</button></div>
      </form>
      {!shown ? <ErrorNote error={propose.error} /> : null}
    </Section>
  );
}

/** The evaluation kept on a project; documented as any JSON, so its shape is checked here. */
function evaluationOf(value: unknown): { score: number; comments: string; by: string | null } | null {
  if (typeof value !== 'object' || value === null) return null;
  const { score, comments, by } = value as { score?: unknown; comments?: unknown; by?: unknown };
  if (typeof score !== 'number') return null;
  return { score, comments: typeof comments === 'string' ? comments : '', by: typeof by === 'string' ? by : null };
}

function ProjectView({ session, projectId }: { session: SessionInfo; projectId: string }) {
  const { t, locale } = useI18n();
  const project = usePolled(() => unwrap(api.GET('/api/venture-projects/{projectId}', { params: { path: { projectId } } })), `venture:${projectId}`);
  return (
    <div className="stack">
      <p><a {...linkProps('/ventures')}>← {t('ventures')}</a></p>
      <Loadable state={project}>
        {(data) => {
          const evaluation = evaluationOf(data.evaluation);
          return (
            <>
              <Section title={localized(locale, data.title)} id="project">
                <p className="task-head">
                  <Badge tone={STATUS_TONE[data.status]}>{translateKey(t, 'status', data.status)}</Badge>
                  <span>{translateKey(t, 'venture_theme', data.theme)}</span>
                  <span className="muted">{localized(locale, data.communityName)}</span>
                </p>
                <dl className="guidance">
                  <dt>{t('venture_period')}</dt><dd><When date={data.startsOn} /> – <When date={data.endsOn} /></dd>
                  <dt>{t('venture_budget')}</dt><dd>{data.budgetYuan === null ? '—' : data.budgetYuan.toLocaleString(locale)}</dd>
                  <dt>{t('venture_residents_label')}</dt><dd data-testid="residents-served">{data.residentsServed}</dd>
                  {data.proposedBy ? <><dt>{t('venture_proposed_by')}</dt><dd>{data.proposedBy}</dd></> : null}
                  {data.approvedBy ? <><dt>{t('venture_decided_by')}</dt><dd>{data.approvedBy}</dd></> : null}
                </dl>
                {evaluation ? (
                  <p className="note ok" data-testid="venture-evaluation">{t('venture_evaluated', { score: evaluation.score, by: evaluation.by ?? '—' })} {evaluation.comments}</p>
                ) : null}
                <ProjectActions session={session} project={data} onChange={project.reload} />
              </Section>
              <Section title={t('venture_services')} id="services">
                {data.records.length === 0 ? <Empty>{t('venture_services_none')}</Empty> : (
                  <table className="table compact">
                    <thead><tr><th scope="col">{t('venture_served_on')}</th><th scope="col" className="num">{t('venture_residents_label')}</th><th scope="col">{t('venture_note')}</th></tr></thead>
                    <tbody>
                      {data.records.map((record) => (
                        <tr key={record.id}><td><When date={record.servedOn} /></td><td className="num">{record.residentsServed}</td><td>{record.note ?? ''}</td></tr>
                      ))}
                    </tbody>
                  </table>
                )}
                {data.status === 'running' && can(session, 'venture.record') ? <ServiceForm projectId={projectId} onChange={project.reload} /> : null}
              </Section>
            </>
          );
        }}
      </Loadable>
    </div>
  );
}

function ProjectActions({ session, project, onChange }: { session: SessionInfo; project: Detail; onChange(): void }) {
  const { t } = useI18n();
  const path = { projectId: project.id };
  const approve = useAction();
  const reject = useAction();
  const start = useAction();
  const evaluate = useAction();
  const [comments, setComments] = useState('');
  const [reason, setReason] = useState('');
  const [confirmReject, setConfirmReject] = useState(false);
  const [score, setScore] = useState('');
  const [evaluation, setEvaluation] = useState('');
  const decide = can(session, 'venture.decide');

  if (project.status === 'proposed' && decide) {
    return (
      <div className="actions">
        <Disclosure label={t('venture_approve')}>
          {() => (
            <form className="actions" aria-label={t('venture_approve')} onSubmit={(event) => {
              event.preventDefault();
              void approve.run(() => unwrap(api.POST('/api/venture-projects/{projectId}/approve', { params: { path }, body: comments.trim() ? { comments: comments.trim() } : {} }))).then((ok) => ok && onChange());
            }}>
              <label>{t('sign_off_comment')}<textarea name="approve-comments" rows={2} value={comments} onChange={(event) => setComments(event.target.value)} /></label>
              <button type="submit" className="primary" disabled={approve.running}>{t('venture_approve')}</button>
              <ErrorNote error={approve.error} />
            </form>
          )}
        </Disclosure>
        <Disclosure label={t('venture_reject')}>
          {() => (
            <form className="actions" aria-label={t('venture_reject')} onSubmit={(event) => { event.preventDefault(); setConfirmReject(true); }}>
              <label>{t('reason')}
                <input name="reject-reason" required value={reason} onChange={(event) => setReason(event.target.value)}
                  aria-invalid={reject.error?.fieldMessage('reason') ? true : undefined} aria-describedby="reject-reason-error" />
                <FieldError id="reject-reason-error" message={reject.error?.fieldMessage('reason')} />
              </label>
              <button type="submit" className="danger">{t('venture_reject')}…</button>
              {!reject.error?.fieldMessage('reason') ? <ErrorNote error={reject.error} /> : null}
            </form>
          )}
        </Disclosure>
        <ConfirmDialog open={confirmReject} title={t('venture_reject_confirm_title')} confirmLabel={t('venture_reject')} danger busy={reject.running}
          onClose={() => setConfirmReject(false)}
          onConfirm={() => void reject.run(() => unwrap(api.POST('/api/venture-projects/{projectId}/reject', { params: { path }, body: { reason: reason.trim() } })))
            .then((ok) => { setConfirmReject(false); if (ok) onChange(); })}>
          <p>{t('venture_reject_confirm_body')}</p>
          <p><strong>{t('reason')}:</strong> {reason}</p>
        </ConfirmDialog>
      </div>
    );
  }
  if (project.status === 'approved' && can(session, 'venture.propose')) {
    return (
      <div className="actions">
        <div className="buttons">
          <button type="button" className="primary" disabled={start.running}
            onClick={() => void start.run(() => unwrap(api.POST('/api/venture-projects/{projectId}/start', { params: { path }, body: {} }))).then((ok) => ok && onChange())}>
            {t('venture_start')}
          </button>
        </div>
        <ErrorNote error={start.error} />
      </div>
    );
  }
  if (project.status === 'running' && decide) {
    const scoreError = evaluate.error?.fieldMessage('score');
    const commentsError = evaluate.error?.fieldMessage('comments');
    return (
      <Disclosure label={t('venture_evaluate')}>
        {() => (
          <form className="actions" aria-label={t('venture_evaluate')} onSubmit={(event) => {
            event.preventDefault();
            void evaluate.run(() => unwrap(api.POST('/api/venture-projects/{projectId}/evaluate', { params: { path }, body: { score: Number(score), comments: evaluation.trim() } }))).then((ok) => ok && onChange());
          }}>
            <label>{t('evaluation_score')}
              <select name="venture-score" required value={score} onChange={(event) => setScore(event.target.value)} aria-invalid={scoreError ? true : undefined} aria-describedby="venture-score-error">
                <option value="" disabled>—</option>
                {[1, 2, 3, 4, 5].map((n) => <option key={n} value={n}>{n}</option>)}
              </select>
              <FieldError id="venture-score-error" message={scoreError} />
            </label>
            <label>{t('evaluation_comment')}
              <textarea name="venture-evaluation" rows={3} required value={evaluation} onChange={(event) => setEvaluation(event.target.value)} aria-invalid={commentsError ? true : undefined} aria-describedby="venture-comments-error" />
              <FieldError id="venture-comments-error" message={commentsError} />
            </label>
            <button type="submit" className="primary" disabled={evaluate.running}>{t('venture_evaluate')}</button>
            {!scoreError && !commentsError ? <ErrorNote error={evaluate.error} /> : null}
          </form>
        )}
      </Disclosure>
    );
  }
  return null;
}

function ServiceForm({ projectId, onChange }: { projectId: string; onChange(): void }) {
  const { t } = useI18n();
  const record = useAction();
  const [servedOn, setServedOn] = useState(shanghaiToday());
  const [residents, setResidents] = useState('');
  const [note, setNote] = useState('');
  const residentsError = record.error?.fieldMessage('residentsServed');
  const dateError = record.error?.fieldMessage('servedOn');
  return (
    <Disclosure label={t('venture_record_service')}>
      {(close) => (
        <form className="form columns" aria-label={t('venture_record_service')} onSubmit={(event) => {
          event.preventDefault();
          // A fresh id per submission: a retried request counts once.
          const id = `sr-${servedOn}-${Math.random().toString(36).slice(2, 10)}`;
          void record.run(() => unwrap(api.POST('/api/venture-projects/{projectId}/service-records', {
            params: { path: { projectId } }, body: { id, servedOn, residentsServed: Number(residents), ...(note.trim() ? { note: note.trim() } : {}) },
          }))).then((ok) => { if (ok) { setResidents(''); setNote(''); close(); onChange(); } });
        }}>
          <label>{t('venture_served_on')}
            <input type="date" name="served-on" required value={servedOn} onChange={(event) => setServedOn(event.target.value)} aria-invalid={dateError ? true : undefined} aria-describedby="served-on-error" />
            <FieldError id="served-on-error" message={dateError} />
          </label>
          <label>{t('venture_residents_label')}
            <input type="number" name="residents-served" required min={0} step={1} value={residents} onChange={(event) => setResidents(event.target.value)} aria-invalid={residentsError ? true : undefined} aria-describedby="residents-error" />
            <FieldError id="residents-error" message={residentsError} />
          </label>
          <label>{t('venture_note')}<input name="service-note" value={note} onChange={(event) => setNote(event.target.value)} /></label>
          <div><button type="submit" className="primary" disabled={record.running}>{t('venture_record_service')}</button></div>
          {!residentsError && !dateError ? <ErrorNote error={record.error} /> : null}
        </form>
      )}
    </Disclosure>
  );
}

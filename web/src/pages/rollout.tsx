import { useState } from 'react';
import { AttachmentsToggle } from '../attachments.js';
import { api, unwrap, type Answer } from '../api/client.js';
import { Badge, Empty, ErrorNote, FieldError, Loadable, Pager, Section } from '../components.js';
import { useAction, usePolled } from '../hooks.js';
import { localized, translateKey, useI18n } from '../i18n.js';
import { can, workflowLink, type SessionInfo } from '../session.js';
import { formatDate, shanghaiToday } from '../time.js';

type Coverage = Answer<'/api/rollout'>;
type CommunityRollout = Coverage['communities'][number];
type Rollout = NonNullable<CommunityRollout['rollout']>;
type Health = Rollout['health'];
type Milestone = Rollout['milestones'][number];
type MilestoneName = Milestone['milestone'];

const MILESTONES: readonly MilestoneName[] = ['site', 'staffing', 'fit_out', 'opening'];
const HEALTH_TONE: Record<Health, string> = { on_track: 'ok', at_risk: 'warn', late: 'bad' };
const HEALTHS = Object.keys(HEALTH_TONE) as Health[];
// Communities with a rollout, newest trouble first: late, at risk, then on track.
const HEALTH_ORDER: Record<Health, number> = { late: 0, at_risk: 1, on_track: 2 };
const PAGE = 10;

export function RolloutPage({ session }: { session: SessionInfo }) {
  const { t, locale } = useI18n();
  const rollout = usePolled(() => unwrap(api.GET('/api/rollout')), 'rollout');
  const [page, setPage] = useState(0);
  const [health, setHealth] = useState<Health | ''>('');
  return (
    <Section title={t('rollout')} actions={
      <label className="inline">{t('health')}
        <select value={health} onChange={(event) => { setHealth(event.target.value as Health | ''); setPage(0); }}>
          <option value="">{t('all')}</option>
          {HEALTHS.map((h) => <option key={h} value={h}>{translateKey(t, 'health', h)}</option>)}
        </select>
      </label>
    }>
      <Loadable state={rollout}>
        {(data) => {
          const rows = data.communities
            .flatMap((community) => (community.rollout ? [{ community, rollout: community.rollout }] : []))
            .filter((row) => !health || row.rollout.health === health)
            .sort((a, b) => HEALTH_ORDER[a.rollout.health] - HEALTH_ORDER[b.rollout.health]);
          return (
            <>
              <p className="big">{t('coverage_of', { n: data.operating, total: data.total })}</p>
              <p>{t('projected_full')}: <strong>{data.projectedFullCoverage ? formatDate(data.projectedFullCoverage, locale) : t('not_projected')}</strong></p>
              {rows.length === 0 ? <Empty /> : (
                <ul className="rollouts">
                  {rows.slice(page * PAGE, page * PAGE + PAGE).map((row) => (
                    <RolloutItem key={row.community.communityId} session={session} community={row.community} rollout={row.rollout} onChange={rollout.reload} />
                  ))}
                </ul>
              )}
              <Pager page={page} hasMore={rows.length > (page + 1) * PAGE} onPage={setPage} />
            </>
          );
        }}
      </Loadable>
    </Section>
  );
}

function RolloutItem({ session, community, rollout, onChange }: { session: SessionInfo; community: CommunityRollout; rollout: Rollout; onChange(): void }) {
  const { t, locale } = useI18n();
  const { communityId } = community;
  const link = workflowLink(session, rollout.workflowId);
  return (
    <li className="rollout" data-community={communityId}>
      <div className="task-head">
        <strong>{localized(locale, community.name)}</strong>
        <Badge tone={HEALTH_TONE[rollout.health]}>{translateKey(t, 'health', rollout.health)}</Badge>
        <span className="muted">{translateKey(t, 'status', rollout.status)}</span>
        {link ? <a href={link} target="_blank" rel="noreferrer">{t('open_in_temporal')}</a> : null}
      </div>
      <ol className="timeline milestones">
        {MILESTONES.map((name) => (
          <MilestoneStep key={name} session={session} communityId={communityId} name={name} milestone={rollout.milestones.find((m) => m.milestone === name)} onChange={onChange} />
        ))}
      </ol>
    </li>
  );
}

function MilestoneStep({ session, communityId, name, milestone, onChange }: {
  session: SessionInfo; communityId: string; name: MilestoneName; milestone: Milestone | undefined; onChange(): void;
}) {
  const { t, locale } = useI18n();
  const done = milestone?.status === 'done' || Boolean(milestone?.completedAt);
  const complete = useAction();
  const replan = useAction();
  const [replanning, setReplanning] = useState(false);
  const [targetDate, setTargetDate] = useState('');
  const [reason, setReason] = useState('');
  const path = { communityId, milestone: name };
  const replans = milestone?.replans ?? 0;
  const manage = can(session, 'rollout.manage') && !done;
  const late = !done && milestone !== undefined && milestone.targetDate < shanghaiToday();
  return (
    <li className={`step step-${done ? 'done' : late ? 'late' : 'pending'}`} data-milestone={name}>
      <span className="step-name">{translateKey(t, 'milestone', name)}</span>
      <span>{t('planned')}: {formatDate(milestone?.targetDate, locale)}</span>
      <span>{t('actual')}: {formatDate(milestone?.completedAt, locale)}</span>
      {replans > 0 ? <span className="muted">{t('replan')} ×{replans}{milestone?.lastReplanReason ? `: ${milestone.lastReplanReason}` : ''}</span> : null}
      {manage ? (
        <span className="buttons">
          <button type="button" className="primary" disabled={complete.running}
            onClick={() => void complete.run(() => unwrap(api.POST('/api/rollout/{communityId}/milestones/{milestone}/complete', { params: { path }, body: { evidence: { note: 'completed from the dashboard' } } }))).then((ok) => ok && onChange())}>
            {t('complete_milestone')}
          </button>
          <button type="button" onClick={() => setReplanning((open) => !open)} aria-expanded={replanning}>{t('replan')}</button>
        </span>
      ) : null}
      <ErrorNote error={complete.error} />
      {milestone && can(session, 'attachments.view') ? (
        <AttachmentsToggle ownerKind="rollout_milestone" ownerId={`${communityId}:${name}`} canAttach={can(session, 'attachments.add')}
          upload={{ path: `/api/rollout/${encodeURIComponent(communityId)}/milestones/${encodeURIComponent(name)}/attachments`, route: '/api/rollout/{communityId}/milestones/{milestone}/attachments' }} />
      ) : null}
      {replanning ? (
        <form className="actions" onSubmit={(event) => {
          event.preventDefault();
          void replan.run(() => unwrap(api.POST('/api/rollout/{communityId}/milestones/{milestone}/replan', { params: { path }, body: { targetDate, reason } }))).then((ok) => { if (ok) { setReplanning(false); onChange(); } });
        }}>
          <label>{t('new_target')}<input type="date" value={targetDate} onChange={(event) => setTargetDate(event.target.value)} aria-describedby={`replan-${communityId}-${name}-date`} />
            <FieldError id={`replan-${communityId}-${name}-date`} message={replan.error?.fieldMessage('targetDate')} /></label>
          <label>{t('reason')}<input value={reason} onChange={(event) => setReason(event.target.value)} aria-describedby={`replan-${communityId}-${name}-reason`} />
            <FieldError id={`replan-${communityId}-${name}-reason`} message={replan.error?.fieldMessage('reason')} /></label>
          <button type="submit" className="primary" disabled={replan.running}>{t('save')}</button>
          {replan.error && !replan.error.fieldMessage('targetDate') && !replan.error.fieldMessage('reason') ? <ErrorNote error={replan.error} /> : null}
        </form>
      ) : null}
    </li>
  );
}


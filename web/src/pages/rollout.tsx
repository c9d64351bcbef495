import { useState } from 'react';
import { get, post } from '../api.js';
import { Badge, Empty, ErrorNote, FieldError, Loadable, Pager, Section } from '../components.js';
import { asArray, asNumber, asObject, asString, type Json, nameOf, pick } from '../data.js';
import { useAction, usePolled } from '../hooks.js';
import { localized, translateKey, useI18n } from '../i18n.js';
import { can, workflowLink, type SessionInfo } from '../session.js';
import { formatDate } from '../time.js';

const MILESTONES = ['site', 'staffing', 'fit_out', 'opening'] as const;
const HEALTH_TONE: Record<string, string> = { on_track: 'ok', at_risk: 'warn', late: 'bad' };
const PAGE = 10;

export function RolloutPage({ session }: { session: SessionInfo }) {
  const { t, locale } = useI18n();
  const rollout = usePolled(() => get<Json>('/api/rollout'), 'rollout');
  const [page, setPage] = useState(0);
  const [health, setHealth] = useState('');
  return (
    <Section title={t('rollout')} actions={
      <label className="inline">{t('health')}
        <select value={health} onChange={(event) => { setHealth(event.target.value); setPage(0); }}>
          <option value="">{t('all')}</option>
          {Object.keys(HEALTH_TONE).map((h) => <option key={h} value={h}>{translateKey(t, 'health', h)}</option>)}
        </select>
      </label>
    }>
      <Loadable state={rollout}>
        {(data) => {
          const coverage = asObject(data.coverage ?? data);
          // Communities with a rollout, newest trouble first: late, at risk, then on track.
          const order: Record<string, number> = { late: 0, at_risk: 1, on_track: 2 };
          const rows = asArray(pick(data, 'communities', 'rollouts', 'items'))
            .map((row): Json => ({ ...row, ...asObject(row.rollout), name: row.name, communityId: row.communityId }))
            .filter((row) => row.rollout || row.milestones)
            .filter((row) => !health || row.health === health)
            .sort((a, b) => (order[String(a.health)] ?? 3) - (order[String(b.health)] ?? 3));
          const operating = asNumber(coverage.operating);
          const total = asNumber(coverage.total ?? coverage.communities);
          const projected = asString(pick(data, 'projectedFullCoverage', 'coverage.projectedFullCoverage', 'projectedFullCoverageOn', 'coverage.projectedFullCoverageOn'));
          return (
            <>
              {operating !== undefined && total !== undefined ? <p className="big">{t('coverage_of', { n: operating, total })}</p> : null}
              <p>{t('projected_full')}: <strong>{projected ? formatDate(projected, locale) : t('not_projected')}</strong></p>
              {rows.length === 0 ? <Empty /> : (
                <ul className="rollouts">
                  {rows.slice(page * PAGE, page * PAGE + PAGE).map((row) => <RolloutItem key={String(row.communityId)} session={session} row={row} onChange={rollout.reload} />)}
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

function RolloutItem({ session, row, onChange }: { session: SessionInfo; row: Json; onChange(): void }) {
  const { t, locale } = useI18n();
  const communityId = String(row.communityId);
  const milestones = asArray(row.milestones);
  const link = workflowLink(session, asString(row.workflowId) ?? `station-rollout:${communityId}`);
  const healthKey = asString(row.health);
  return (
    <li className="rollout" data-community={communityId}>
      <div className="task-head">
        <strong>{localized(locale, nameOf(row.name ?? row.communityName ?? communityId))}</strong>
        {healthKey ? <Badge tone={HEALTH_TONE[healthKey] ?? 'muted'}>{translateKey(t, 'health', healthKey)}</Badge> : null}
        <span className="muted">{translateKey(t, 'status', asString(row.status))}</span>
        {link ? <a href={link} target="_blank" rel="noreferrer">{t('open_in_temporal')}</a> : null}
      </div>
      <ol className="timeline milestones">
        {MILESTONES.map((name) => {
          const milestone = milestones.find((m) => m.milestone === name) ?? { milestone: name };
          return <MilestoneStep key={name} session={session} communityId={communityId} milestone={milestone} onChange={onChange} />;
        })}
      </ol>
    </li>
  );
}

function MilestoneStep({ session, communityId, milestone, onChange }: { session: SessionInfo; communityId: string; milestone: Json; onChange(): void }) {
  const { t, locale } = useI18n();
  const name = String(milestone.milestone);
  const done = milestone.status === 'done' || Boolean(milestone.completedAt);
  const complete = useAction();
  const replan = useAction();
  const [replanning, setReplanning] = useState(false);
  const [targetDate, setTargetDate] = useState('');
  const [reason, setReason] = useState('');
  const base = `/api/rollout/${encodeURIComponent(communityId)}/milestones/${name}`;
  const replans = asNumber(milestone.replans) ?? asArray(milestone.replans).length;
  const manage = can(session, 'rollout.manage') && !done;
  const late = !done && milestone.targetDate && String(milestone.targetDate) < new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  return (
    <li className={`step step-${done ? 'done' : late ? 'late' : 'pending'}`} data-milestone={name}>
      <span className="step-name">{translateKey(t, 'milestone', name)}</span>
      <span>{t('planned')}: {formatDate(asString(milestone.targetDate), locale)}</span>
      <span>{t('actual')}: {formatDate(asString(milestone.completedAt), locale)}</span>
      {replans > 0 ? <span className="muted">{t('replan')} ×{replans}{milestone.lastReplanReason ? `: ${String(milestone.lastReplanReason)}` : ''}</span> : null}
      {manage ? (
        <span className="buttons">
          <button type="button" className="primary" disabled={complete.running}
            onClick={() => void complete.run(() => post(`${base}/complete`, { evidence: { note: 'completed from the dashboard' } })).then((ok) => ok && onChange())}>
            {t('complete_milestone')}
          </button>
          <button type="button" onClick={() => setReplanning((open) => !open)} aria-expanded={replanning}>{t('replan')}</button>
        </span>
      ) : null}
      <ErrorNote error={complete.error} />
      {replanning ? (
        <form className="actions" onSubmit={(event) => {
          event.preventDefault();
          void replan.run(() => post(`${base}/replan`, { targetDate, reason })).then((ok) => { if (ok) { setReplanning(false); onChange(); } });
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


import { useState } from 'react';
import { AttachmentsToggle } from '../attachments.js';
import { api, ApiError, unwrap, type Answer } from '../api/client.js';
import { Badge, Empty, ErrorNote, FieldError, Loadable, Pager, Section, When } from '../components.js';
import { Downloads } from '../downloads.js';
import { useAction, usePolled } from '../hooks.js';
import { localized, translateKey, useI18n } from '../i18n.js';
import { linkProps } from '../router.js';
import { can, workflowLink, type SessionInfo } from '../session.js';
import { formatDateTime, shanghaiToday } from '../time.js';
import { ConfirmAction } from '../confirm.js';
import { ConfirmDialog, Disclosure, EvidenceLinks, linksFrom, notLinksIn, WorkerPicker } from '../widgets.js';

// Station rollout to every community: coverage and the projected full-coverage date; every
// community without a station, with a start form (owner, a target date per milestone); each
// rollout's milestones, completed with a note and links (asked first), replanned with a reason;
// and cancelling a rollout (asked first, with the reason).

type Coverage = Answer<'/api/rollout'>;
type CommunityRollout = Coverage['communities'][number];
type Rollout = NonNullable<CommunityRollout['rollout']>;
type Health = Rollout['health'];
type Milestone = Rollout['milestones'][number];
type MilestoneName = Milestone['milestone'];

const MILESTONES: readonly MilestoneName[] = ['site', 'staffing', 'fit_out', 'opening'];
const HEALTH_TONE: Record<Health, string> = { on_track: 'ok', at_risk: 'warn', late: 'bad', implausible: 'bad' };
const HEALTHS = Object.keys(HEALTH_TONE) as Health[];
// Communities with a rollout, newest trouble first: late, an implausible target, at risk, then on track.
const HEALTH_ORDER: Record<Health, number> = { late: 0, implausible: 1, at_risk: 2, on_track: 3 };
const PAGE = 10;

export function RolloutPage({ session }: { session: SessionInfo }) {
  const { t } = useI18n();
  const rollout = usePolled(() => unwrap(api.GET('/api/rollout')), 'rollout');
  const [page, setPage] = useState(0);
  const [health, setHealth] = useState<Health | ''>('');
  return (
    <div className="stack">
      <Section title={t('rollout')} actions={
        <span className="buttons">
          <Downloads path="/api/exports/coverage" />
          <label className="inline">{t('health')}
            <select value={health} onChange={(event) => { setHealth(event.target.value as Health | ''); setPage(0); }}>
              <option value="">{t('all')}</option>
              {HEALTHS.map((h) => <option key={h} value={h}>{translateKey(t, 'health', h)}</option>)}
            </select>
          </label>
        </span>
      }>
        <Loadable state={rollout}>
          {(data) => {
            const rows = data.communities
              .flatMap((community) => (community.rollout?.status === 'running' ? [{ community, rollout: community.rollout }] : []))
              .filter((row) => !health || row.rollout.health === health)
              .sort((a, b) => HEALTH_ORDER[a.rollout.health] - HEALTH_ORDER[b.rollout.health]);
            return (
              <>
                <p className="big">{t('coverage_of', { n: data.operating, total: data.total })}</p>
                <p>
                  {t('projected_full')}: <strong className="nowrap" data-testid="projected-full-coverage">{data.projectedFullCoverage ? <When date={data.projectedFullCoverage} /> : t('not_projected')}</strong>
                  {data.targetFullCoverage ? <> · {t('rollout_target_full')}: <When date={data.targetFullCoverage} /></> : null}
                </p>
                <p className="muted">{t('rollout_counts', { inRollout: data.inRollout, notPlanned: data.notPlanned })}</p>
                {rows.length === 0 ? <Empty>{t('rollout_none_running')}</Empty> : (
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
      {rollout.data ? <WithoutStation session={session} coverage={rollout.data} onChange={rollout.reload} /> : null}
    </div>
  );
}

/** Every community with neither an operating station nor a running rollout, each with a start form. */
function WithoutStation({ session, coverage, onChange }: { session: SessionInfo; coverage: Coverage; onChange(): void }) {
  const { t, locale } = useI18n();
  const waiting = coverage.communities
    .filter((c) => c.station !== 'operating' && c.rollout?.status !== 'running' && c.rollout?.status !== 'opened')
    // Real communities before the placeholders the default data ships.
    .sort((a, b) => Number(a.isPlaceholder) - Number(b.isPlaceholder) || a.communityId.localeCompare(b.communityId));
  return (
    <Section title={`${t('rollout_without_station')} (${waiting.length})`} id="without-station">
      {can(session, 'rollout.manage') ? <StartAll count={waiting.length} names={waiting.map((c) => localized(locale, c.name))} onChange={onChange} /> : null}
      {waiting.length === 0 ? <Empty>{t('rollout_all_covered')}</Empty> : (
        <ul className="rollouts">
          {waiting.map((community) => (
            <li key={community.communityId} className="rollout" data-community={community.communityId}>
              <div className="task-head">
                <strong><a {...linkProps(`/communities/${encodeURIComponent(community.communityId)}`)}>{localized(locale, community.name)}</a></strong>
                {community.isPlaceholder ? <Badge tone="muted">{t('placeholder_community')}</Badge> : null}
                {community.rollout?.status === 'cancelled' ? (
                  <span className="muted">
                    {t('rollout_cancelled_on', { at: formatDateTime(community.rollout.cancellation?.at, locale) })}
                    {community.rollout.cancellation?.reason ? ` ${t('reason')}: ${community.rollout.cancellation.reason}` : ''}
                  </span>
                ) : <span className="muted">{t('rollout_not_started')}</span>}
              </div>
              {can(session, 'rollout.manage') ? <StartForm communityId={community.communityId} onChange={onChange} /> : null}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

/**
 * Starts rollouts for every community in the list at once (`POST /api/rollout`), openings spread up
 * to a full-coverage date, after a confirmation naming them; a refused date or owner is shown at its field.
 */
function StartAll({ count, names, onChange }: { count: number; names: string[]; onChange(): void }) {
  const { t } = useI18n();
  const start = useAction();
  const [targetDate, setTargetDate] = useState('');
  const [owner, setOwner] = useState('');
  const [started, setStarted] = useState<{ started: number; skipped: number }>();
  const dateError = start.error?.fieldMessage('targetDate');
  const ownerError = start.error?.fieldMessage('owner');
  const done = started ? <p className="note ok" role="status" data-testid="rollouts-started">{t('rollout_started_all', { n: started.started, skipped: started.skipped })}</p> : null;
  // Nothing left to start: only what the last start did, if anything.
  if (count === 0) return done;
  return (
    <div className="actions" data-testid="start-all-rollouts">
      <p>{t('rollout_start_all_about')}</p>
      <div className="form columns">
        <label>{t('rollout_target_full')}
          <input type="date" name="full-coverage-target" required min={shanghaiToday()} value={targetDate} onChange={(event) => setTargetDate(event.target.value)}
            aria-invalid={dateError ? true : undefined} aria-describedby="start-all-target-error" />
          <FieldError id="start-all-target-error" message={dateError} />
        </label>
      </div>
      <WorkerPicker id="start-all-owner" label={t('rollout_owner')} value={owner} onChange={setOwner} error={ownerError} />
      <div className="buttons">
        <ConfirmAction
          label={t('rollout_start_all', { n: count })}
          title={t('rollout_start_all_title', { n: count })}
          consequence={(
            <>
              <p>{t('rollout_start_all_consequence', { date: targetDate })}</p>
              <ul>{names.map((name, index) => <li key={index}>{name}</li>)}</ul>
            </>
          )}
          confirmLabel={t('rollout_start')}
          tone="primary"
          disabled={!targetDate}
          running={start.running}
          error={start.error}
          onConfirm={async () => {
            setStarted(undefined);
            let refused: unknown;
            const done = await start.run(() => unwrap(api.POST('/api/rollout', { body: { targetDate, ...(owner ? { owner } : {}) } })).catch((error: unknown) => {
              refused = error;
              throw error;
            }));
            if (done) {
              setStarted({ started: done.started.length, skipped: done.skipped.length });
              onChange();
              return true;
            }
            // A refused date or owner is shown at its field, so the dialog gives way to it.
            return refused instanceof ApiError && Boolean(refused.fieldMessage('targetDate') || refused.fieldMessage('owner'));
          }}
        />
      </div>
      {done}
    </div>
  );
}

function StartForm({ communityId, onChange }: { communityId: string; onChange(): void }) {
  const { t } = useI18n();
  const start = useAction();
  const [owner, setOwner] = useState('');
  const [targets, setTargets] = useState<Record<MilestoneName, string>>({ site: '', staffing: '', fit_out: '', opening: '' });
  const today = shanghaiToday();
  const targetError = (name: MilestoneName) => start.error?.fieldMessage(`milestones.${name}.targetDate`) ?? start.error?.fieldMessage(`milestones.${name}`);
  const ownerError = start.error?.fieldMessage('owner');
  const shown = [ownerError, ...MILESTONES.map(targetError)].some(Boolean);
  return (
    <Disclosure label={t('rollout_start')}>
      {(close) => (
        <form className="actions" aria-label={t('rollout_start')} onSubmit={(event) => {
          event.preventDefault();
          const milestones = { site: { targetDate: targets.site }, staffing: { targetDate: targets.staffing }, fit_out: { targetDate: targets.fit_out }, opening: { targetDate: targets.opening } };
          void start.run(() => unwrap(api.POST('/api/rollout/{communityId}', { params: { path: { communityId } }, body: { milestones, ...(owner ? { owner } : {}) } })))
            .then((ok) => { if (ok) { close(); onChange(); } });
        }}>
          <WorkerPicker id={`owner-${communityId}`} label={t('rollout_owner')} value={owner} onChange={setOwner} error={ownerError} />
          <div className="form columns">
            {MILESTONES.map((name) => (
              <label key={name}>{t('rollout_target_of', { milestone: translateKey(t, 'milestone', name) })}
                <input type="date" name={`target-${name}`} required min={today} value={targets[name]}
                  onChange={(event) => setTargets((current) => ({ ...current, [name]: event.target.value }))}
                  aria-invalid={targetError(name) ? true : undefined} aria-describedby={`target-${communityId}-${name}-error`} />
                <FieldError id={`target-${communityId}-${name}-error`} message={targetError(name)} />
              </label>
            ))}
          </div>
          <button type="submit" className="primary" disabled={start.running}>{t('rollout_start')}</button>
          {!shown ? <ErrorNote error={start.error} /> : null}
        </form>
      )}
    </Disclosure>
  );
}

function RolloutItem({ session, community, rollout, onChange }: { session: SessionInfo; community: CommunityRollout; rollout: Rollout; onChange(): void }) {
  const { t, locale } = useI18n();
  const { communityId } = community;
  const link = session.principal.role === 'admin' ? workflowLink(session, rollout.workflowId) : undefined;
  const current = rollout.currentMilestone;
  return (
    <li className="rollout" data-community={communityId}>
      <div className="task-head">
        <strong><a {...linkProps(`/communities/${encodeURIComponent(communityId)}`)}>{localized(locale, community.name)}</a></strong>
        <Badge tone={HEALTH_TONE[rollout.health]}>{translateKey(t, 'health', rollout.health)}</Badge>
        <span className="muted">{t('rollout_projected_opening')}: <When date={rollout.projectedOpening} /></span>
        {link ? <a href={link} target="_blank" rel="noopener noreferrer" title={t('engine_console_note')}>{t('engine_console')}</a> : null}
      </div>
      <ol className="timeline milestones">
        {MILESTONES.map((name) => (
          <MilestoneStep key={name} session={session} communityId={communityId} name={name} current={current === name}
            milestone={rollout.milestones.find((m) => m.milestone === name)} onChange={onChange} />
        ))}
      </ol>
      {can(session, 'rollout.manage') ? <CancelRollout communityId={communityId} name={localized(locale, community.name)} onChange={onChange} /> : null}
    </li>
  );
}

function MilestoneStep({ session, communityId, name, current, milestone, onChange }: {
  session: SessionInfo; communityId: string; name: MilestoneName; current: boolean; milestone: Milestone | undefined; onChange(): void;
}) {
  const { t } = useI18n();
  const done = milestone?.status === 'done';
  const replans = milestone?.replans ?? 0;
  const manage = can(session, 'rollout.manage') && !done;
  const late = !done && milestone !== undefined && milestone.targetDate < shanghaiToday();
  return (
    <li className={`step step-${done ? 'done' : late ? 'late' : 'pending'}`} data-milestone={name} aria-current={current ? 'step' : undefined}>
      <span className="step-name">{translateKey(t, 'milestone', name)}</span>
      <span>{t('planned')}: <When date={milestone?.targetDate} /></span>
      <span>{t('actual')}: <When date={milestone?.completedAt} /></span>
      {replans > 0 ? <span className="muted">{t('replan')} ×{replans}{milestone?.lastReplanReason ? `: ${milestone.lastReplanReason}` : ''}</span> : null}
      {manage && current ? <CompleteMilestone communityId={communityId} name={name} onChange={onChange} /> : null}
      {manage ? <Replan communityId={communityId} name={name} onChange={onChange} /> : null}
      {milestone && can(session, 'attachments.view') ? (
        <AttachmentsToggle ownerKind="rollout_milestone" ownerId={`${communityId}:${name}`} canAttach={can(session, 'attachments.add')}
          upload={{ path: `/api/rollout/${encodeURIComponent(communityId)}/milestones/${encodeURIComponent(name)}/attachments`, route: '/api/rollout/{communityId}/milestones/{milestone}/attachments' }} />
      ) : null}
    </li>
  );
}

/** Completes the current milestone with a note and links; asks first, since it cannot be undone (the opening opens the station). */
function CompleteMilestone({ communityId, name, onChange }: { communityId: string; name: MilestoneName; onChange(): void }) {
  const { t } = useI18n();
  const complete = useAction();
  const [note, setNote] = useState('');
  const [links, setLinks] = useState('');
  const [confirming, setConfirming] = useState(false);
  const badLinks = notLinksIn(links);
  const noteError = complete.error?.fieldMessage('note');
  const linksError = badLinks.length > 0 ? t('links_not_http', { links: badLinks.join(' ') }) : complete.error?.fieldMessage('links');
  const prefix = `complete-${communityId}-${name}`;
  return (
    <Disclosure label={t('complete_milestone')}>
      {(close) => (
        <form className="actions" aria-label={`${t('complete_milestone')} ${translateKey(t, 'milestone', name)}`} onSubmit={(event) => {
          event.preventDefault();
          if (badLinks.length === 0) setConfirming(true);
        }}>
          <label>{t('evidence_note')}
            <textarea name="milestone-note" rows={2} required value={note} onChange={(event) => setNote(event.target.value)}
              aria-invalid={noteError ? true : undefined} aria-describedby={`${prefix}-note-error`} />
            <FieldError id={`${prefix}-note-error`} message={noteError} />
          </label>
          <label>{t('evidence_links')}
            <textarea name="milestone-links" rows={2} value={links} onChange={(event) => setLinks(event.target.value)}
              aria-invalid={linksError ? true : undefined} aria-describedby={`${prefix}-links-hint ${prefix}-links-error`} />
            <span id={`${prefix}-links-hint`} className="muted">{t('evidence_links_hint')}</span>
            <FieldError id={`${prefix}-links-error`} message={linksError} />
          </label>
          <button type="submit" className="primary">{t('complete_milestone')}…</button>
          {!noteError && !linksError ? <ErrorNote error={complete.error} /> : null}
          <ConfirmDialog open={confirming} title={t('milestone_confirm_title', { milestone: translateKey(t, 'milestone', name) })}
            confirmLabel={t('complete_milestone')} busy={complete.running} onClose={() => setConfirming(false)}
            onConfirm={() => void complete.run(() => unwrap(api.POST('/api/rollout/{communityId}/milestones/{milestone}/complete', {
              params: { path: { communityId, milestone: name } }, body: { evidence: { note: note.trim(), links: linksFrom(links) } },
            }))).then((ok) => { setConfirming(false); if (ok) { setNote(''); setLinks(''); close(); onChange(); } })}>
            <p>{name === 'opening' ? t('milestone_confirm_opening') : t('milestone_confirm_body')}</p>
            <p><strong>{t('evidence_note')}:</strong> {note}</p>
            <EvidenceLinks links={linksFrom(links)} />
          </ConfirmDialog>
        </form>
      )}
    </Disclosure>
  );
}

function Replan({ communityId, name, onChange }: { communityId: string; name: MilestoneName; onChange(): void }) {
  const { t } = useI18n();
  const replan = useAction();
  const [targetDate, setTargetDate] = useState('');
  const [reason, setReason] = useState('');
  const prefix = `replan-${communityId}-${name}`;
  const dateError = replan.error?.fieldMessage('targetDate');
  const reasonError = replan.error?.fieldMessage('reason');
  return (
    <Disclosure label={t('replan')}>
      {(close) => (
        <form className="actions" aria-label={`${t('replan')} ${translateKey(t, 'milestone', name)}`} onSubmit={(event) => {
          event.preventDefault();
          void replan.run(() => unwrap(api.POST('/api/rollout/{communityId}/milestones/{milestone}/replan', { params: { path: { communityId, milestone: name } }, body: { targetDate, reason: reason.trim() } })))
            .then((ok) => { if (ok) { setReason(''); close(); onChange(); } });
        }}>
          <label>{t('new_target')}<input type="date" name="replan-target" required value={targetDate} onChange={(event) => setTargetDate(event.target.value)}
            aria-invalid={dateError ? true : undefined} aria-describedby={`${prefix}-date`} />
            <FieldError id={`${prefix}-date`} message={dateError} /></label>
          <label>{t('reason')}<input name="replan-reason" required value={reason} onChange={(event) => setReason(event.target.value)}
            aria-invalid={reasonError ? true : undefined} aria-describedby={`${prefix}-reason`} />
            <FieldError id={`${prefix}-reason`} message={reasonError} /></label>
          <button type="submit" className="primary" disabled={replan.running}>{t('save')}</button>
          {!dateError && !reasonError ? <ErrorNote error={replan.error} /> : null}
        </form>
      )}
    </Disclosure>
  );
}

/** Cancels the rollout with a reason; asks first and says what stops. */
function CancelRollout({ communityId, name, onChange }: { communityId: string; name: string; onChange(): void }) {
  const { t } = useI18n();
  const cancel = useAction();
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const reasonError = cancel.error?.fieldMessage('reason');
  return (
    <Disclosure label={t('rollout_cancel')}>
      {() => (
        <form className="actions" aria-label={`${t('rollout_cancel')} ${name}`} onSubmit={(event) => { event.preventDefault(); setConfirming(true); }}>
          <label>{t('reason')}<input name="rollout-cancel-reason" required value={reason} onChange={(event) => setReason(event.target.value)}
            aria-invalid={reasonError ? true : undefined} aria-describedby={`cancel-${communityId}-error`} />
            <FieldError id={`cancel-${communityId}-error`} message={reasonError} /></label>
          <button type="submit" className="danger">{t('rollout_cancel')}…</button>
          {!reasonError ? <ErrorNote error={cancel.error} /> : null}
          <ConfirmDialog open={confirming} title={t('rollout_cancel_confirm_title', { name })} confirmLabel={t('rollout_cancel')} danger busy={cancel.running}
            onClose={() => setConfirming(false)}
            onConfirm={() => void cancel.run(() => unwrap(api.POST('/api/rollout/{communityId}/cancel', { params: { path: { communityId } }, body: { reason: reason.trim() } })))
              .then((ok) => { setConfirming(false); if (ok) onChange(); })}>
            <p>{t('rollout_cancel_confirm_body')}</p>
            <p><strong>{t('reason')}:</strong> {reason}</p>
          </ConfirmDialog>
        </form>
      )}
    </Disclosure>
  );
}

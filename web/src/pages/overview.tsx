import { useMemo, useState } from 'react';
import { api, unwrap, type Answer } from '../api/client.js';
import { useDimensionNames } from '../catalog.js';
import { Badge, Chart, Empty, ErrorNote, Loadable, NARROW_CHART, Pager, Section, When } from '../components.js';
import { CoverageOverTime } from '../coverage-chart.js';
import { Downloads } from '../downloads.js';
import { usePolled } from '../hooks.js';
import { StreetLinkage } from '../linkage-index.js';
import { localized, translateKey, useI18n } from '../i18n.js';
import { linkProps } from '../router.js';
import { can, type SessionInfo } from '../session.js';
import { beijingWeek, sessionPhase } from '../time.js';
import { CommunityForm, openCommunity } from './community-form.js';
import { DigestSection } from './digest.js';

type OverduePage = Answer<'/api/stations/overdue'>;

type Summary = Answer<'/api/reports/summary'>;
type Inbox = Answer<'/api/notifications'>;
type CycleDetail = Answer<'/api/training-cycles/{id}'>;

const STATUS_TONE: Record<string, string> = { operating: 'ok', rollout: 'warn', closed: 'muted', none: 'none' };
const OVERDUE_PAGE = 20;
/** Upcoming sessions are read from this many running cycles at most (newest first). */
const UPCOMING_CYCLES = 10;

/** Sessions of the running cycles in the coming week, read from each cycle's detail. */
async function upcomingSessions(): Promise<CycleDetail[]> {
  const running = await unwrap(api.GET('/api/training-cycles', { params: { query: { status: 'running', limit: UPCOMING_CYCLES } } }));
  return Promise.all(running.items.map((cycle) => unwrap(api.GET('/api/training-cycles/{id}', { params: { path: { id: cycle.id } } }))));
}

export function OverviewPage({ session }: { session: SessionInfo }) {
  const { t, locale } = useI18n();
  const communities = usePolled(() => unwrap(api.GET('/api/communities')), 'communities');
  const rollout = usePolled(can(session, 'rollout.view') ? () => unwrap(api.GET('/api/rollout')) : null, 'rollout');
  const summary = usePolled(() => unwrap(api.GET('/api/reports/summary')), 'summary');
  const cycles = usePolled(can(session, 'training.view') ? upcomingSessions : null, 'cycles');
  const escalations = usePolled(session.principal.workerId
    ? () => unwrap(api.GET('/api/notifications', { params: { query: { kind: 'escalation', unread: 'true', limit: 20 } } }))
    : null, 'escalations');
  const projected = rollout.data?.projectedFullCoverage ?? null;

  return (
    <div className="grid">
      <Section title={t('coverage')} id="coverage">
        <Loadable state={communities}>
          {(data) => {
            const operating = data.items.filter((c) => c.station?.status === 'operating').length;
            return (
              <>
                <p className="big" data-testid="coverage-count">{t('coverage_of', { n: operating, total: data.items.length })}</p>
                <p>{t('projected_full')}: <strong data-testid="projected-date">{projected ? <When date={projected} /> : t('not_projected')}</strong></p>
                {rollout.error ? <ErrorNote error={rollout.error} /> : null}
                <ul className="community-grid" aria-label={t('coverage')}>
                  {data.items.map((community) => {
                    const status = community.station?.status ?? 'none';
                    const label = `${localized(locale, community.name)}: ${translateKey(t, 'legend', status)}`;
                    const content = (
                      <>
                        <span className="community-name">{localized(locale, community.name)}</span>{' '}
                        <span className="community-status">{translateKey(t, 'legend', status)}</span>
                      </>
                    );
                    return (
                      <li key={community.id} className={`tile tile-${STATUS_TONE[status] ?? 'none'}`} data-status={status} data-community={community.id} title={label}>
                        <a {...linkProps(`/communities/${encodeURIComponent(community.id)}`)}>{content}</a>
                      </li>
                    );
                  })}
                </ul>
                <p className="legend">
                  {['operating', 'rollout', 'none'].map((status) => <Badge key={status} tone={STATUS_TONE[status]!}>{translateKey(t, 'legend', status)}</Badge>)}
                </p>
              </>
            );
          }}
        </Loadable>
      </Section>

      {rollout.data ? (
        <Section title={t('coverage_over_time')}>
          <CoverageOverTime coverage={rollout.data} />
        </Section>
      ) : null}

      <Section title={t('stations_by_stage')} actions={<Downloads path="/api/exports/station-plans" />}>
        <Loadable state={summary}>{(data) => <StageCounts summary={data} />}</Loadable>
      </Section>

      <Section title={t('training_completion')}>
        <Loadable state={summary}>{(data) => <TrainingByDimension summary={data} />}</Loadable>
      </Section>

      <Section title={t('residents_by_theme')} actions={<Downloads path="/api/exports/summary" />}>
        <Loadable state={summary}>{(data) => <ResidentsByTheme summary={data} />}</Loadable>
      </Section>

      <Section title={t('linkage_index')} id="linkage-index">
        <Loadable state={summary}>{(data) => <StreetLinkage index={data.linkageIndex} />}</Loadable>
      </Section>
      <Section title={`${t('overdue_tasks')} · ${t('open_escalations')}`}>
        <div className="two">
          {can(session, 'station.view') ? (
            <div>
              <h3>{t('overdue_tasks')}</h3>
              <OverdueTasks />
            </div>
          ) : null}
          <div>
            <h3>{t('open_escalations')}</h3>
            {session.principal.workerId ? <Loadable state={escalations}>{(data) => <Escalations inbox={data} />}</Loadable> : <Empty />}
          </div>
        </div>
      </Section>

      {can(session, 'training.view') ? (
        <Section title={t('upcoming_sessions')}>
          <Loadable state={cycles}>{(data) => <UpcomingSessions cycles={data} />}</Loadable>
        </Section>
      ) : null}

      {can(session, 'digest.run') ? <DigestSection /> : null}

      {can(session, 'communities.manage') && communities.data ? (
        <Section title={t('communities_manage')} id="communities-manage">
          <CommunityForm session={session} onSaved={openCommunity}
            streets={[...new Set([...(session.scope?.kind === 'street' ? [session.scope.id] : []), ...communities.data.items.map((c) => c.streetId)])]} />
        </Section>
      ) : null}
    </div>
  );
}

function StageCounts({ summary }: { summary: Summary }) {
  const { t } = useI18n();
  const rows = Object.entries(summary.plansByStage).map(([key, count]) => ({ key, count }));
  return (
    <table className="table compact">
      <tbody>
        {rows.map((row) => <tr key={row.key}><th scope="row">{translateKey(t, 'stage', row.key)}</th><td className="num">{row.count}</td></tr>)}
      </tbody>
    </table>
  );
}

function TrainingByDimension({ summary }: { summary: Summary }) {
  const { t, locale } = useI18n();
  const rows = summary.trainingCompletion.map((row) => ({ key: row.dimension, name: localized(locale, row.name), rate: row.completionRate }));
  // Dimension names wrap within a third of the chart's width rather than being cut off.
  const option = useMemo(() => (width: number) => ({
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%', hideOverlap: true } },
    yAxis: { type: 'category', data: rows.map((row) => row.name), axisLabel: { width: Math.max(72, Math.min(200, Math.round(width * 0.36))), overflow: 'break', lineHeight: 14 } },
    series: [{ type: 'bar', data: rows.map((row) => Math.round(row.rate * 100)), itemStyle: { color: '#2f6fb0' }, label: { show: true, position: 'right', formatter: '{c}%' } }],
    tooltip: { trigger: 'axis', confine: true },
  }), [rows]);
  if (rows.length === 0) return <Empty />;
  return (
    <>
      <Chart option={option} label={t('training_completion')} height={40 + rows.length * 48} />
      <table className="table compact sr-table">
        <tbody>{rows.map((row) => <tr key={row.key}><th scope="row">{row.name}</th><td className="num">{Math.round(row.rate * 100)}%</td></tr>)}</tbody>
      </table>
    </>
  );
}

function ResidentsByTheme({ summary }: { summary: Summary }) {
  const { t, locale } = useI18n();
  const served = summary.residentsServed;
  const rows = served.byTheme.map((row) => ({ key: row.theme, name: localized(locale, row.name), value: row.residentsServed }));
  // On a phone the theme names go to the legend below; on a desk they sit beside the ring, wrapped.
  const option = useMemo(() => (width: number) => {
    const narrow = width < NARROW_CHART;
    return {
      tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)', confine: true },
      legend: { bottom: 0, type: 'scroll', show: narrow },
      color: ['#2f6fb0', '#e08a2c', '#3a9a5b', '#b8465a', '#7a5aa6'],
      series: [{
        type: 'pie', radius: narrow ? ['30%', '58%'] : ['35%', '62%'], center: ['50%', narrow ? '42%' : '50%'], avoidLabelOverlap: true,
        data: rows.map((row) => ({ name: row.name, value: row.value })),
        label: narrow ? { show: true, position: 'inside', formatter: '{c}', color: '#fff' } : { formatter: '{b}\n{c}', width: Math.min(140, Math.round(width * 0.22)), overflow: 'break' },
        labelLine: { show: !narrow },
      }],
    };
  }, [rows]);
  if (rows.length === 0) return <Empty />;
  return (
    <>
      <p data-testid="residents-total">{t('residents_total', { n: served.total })}</p>
      <Chart option={option} label={t('residents_by_theme')} height={300} />
      <table className="table compact sr-table">
        <tbody>{rows.map((row) => <tr key={row.key}><th scope="row">{row.name}</th><td className="num">{row.value}</td></tr>)}</tbody>
      </table>
    </>
  );
}

/** Overdue tasks across the stations in scope, as the API orders them, a page at a time. */
function OverdueTasks() {
  const [page, setPage] = useState(0);
  // The cursor that starts each page after the first, learned from the page before it.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = page === 0 ? undefined : cursors[page - 1];
  const overdue = usePolled<OverduePage>(
    () => unwrap(api.GET('/api/stations/overdue', { params: { query: { limit: OVERDUE_PAGE, cursor } } })),
    `overdue:${cursor ?? ''}`,
  );
  const next = overdue.data?.nextCursor ?? null;
  const turn = (to: number) => {
    if (to > page && next) setCursors((known) => [...known.slice(0, page), next]);
    setPage(to);
  };
  return (
    <Loadable state={overdue} empty={(data) => data.items.length === 0}>
      {(data) => (
        <>
          <OverdueList page={data} />
          <Pager page={page} hasMore={next !== null} onPage={turn} />
        </>
      )}
    </Loadable>
  );
}

function OverdueList({ page }: { page: OverduePage }) {
  const { t, locale } = useI18n();
  return (
    <ul className="list" data-testid="overdue-tasks">
      {page.items.map((task) => (
        <li key={`${task.planId}:${task.taskId}`} data-task={task.taskId}>
          <a {...linkProps(`/stations/${encodeURIComponent(task.communityId)}`)}>{localized(locale, task.title)}</a>
          {' '}<Badge tone="bad">{t('days_overdue', { n: task.daysOverdue })}</Badge>
          {task.escalationRounds > 0 ? <> <Badge tone="warn">{t('escalation_rounds', { n: task.escalationRounds })}</Badge></> : null}
          <span className="muted"> · {localized(locale, task.communityName)} · {translateKey(t, 'stage', task.stage)}
            {task.required ? '' : ` · ${t('optional')}`} · {t('due')} <When at={task.dueAt} /></span>
        </li>
      ))}
    </ul>
  );
}

/** Unread escalations in the signed-in person's inbox, newest first. */
function Escalations({ inbox }: { inbox: Inbox }) {
  const rows = [...inbox.items].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  if (rows.length === 0) return <Empty />;
  return (
    <ul className="list">
      {rows.map((item) => (
        <li key={item.id}>
          <a {...linkProps('/inbox?unread=1')}>{item.subject}</a>
          <span className="muted"> · <When at={item.createdAt} /></span>
        </li>
      ))}
    </ul>
  );
}

function UpcomingSessions({ cycles }: { cycles: CycleDetail[] }) {
  const { t } = useI18n();
  const dimensions = useDimensionNames();
  // The current Beijing week, Monday to Sunday: today's sessions, running or over, count too.
  const week = beijingWeek();
  const sessions = cycles.flatMap((cycle) => cycle.sessions.map((session) => ({ cycle, session })))
    .filter(({ session }) => Date.parse(session.startsAt) < week.end && Date.parse(session.endsAt) > week.start && session.status !== 'cancelled')
    .sort((a, b) => a.session.startsAt.localeCompare(b.session.startsAt));
  if (sessions.length === 0) return <Empty />;
  return (
    <ul className="list" data-testid="week-sessions">
      {sessions.map(({ cycle, session }) => {
        const phase = sessionPhase(session);
        return (
          <li key={`${cycle.id}:${session.id}`}>
            <a {...linkProps(`/training/${encodeURIComponent(cycle.id)}`)}><When at={session.startsAt} /></a>
            {' '}<Badge tone={phase === 'in_progress' ? 'warn' : phase === 'ended' ? 'ok' : 'info'}>{t(`phase_${phase}`)}</Badge>
            {' '}{dimensions(session.dimension)} · {t('level')} {session.level}
            <span className="muted"> · {session.place} · {cycle.name}</span>
          </li>
        );
      })}
    </ul>
  );
}

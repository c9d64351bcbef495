import { useMemo } from 'react';
import { get } from '../api.js';
import { Badge, Chart, Empty, ErrorNote, Loadable, Section } from '../components.js';
import { asArray, asNumber, asObject, asString, items, nameOf, pick, type Community, type Json } from '../data.js';
import { usePolled } from '../hooks.js';
import { localized, translateKey, useI18n } from '../i18n.js';
import { linkProps } from '../router.js';
import { can, type SessionInfo } from '../session.js';
import { formatDate, formatDateTime } from '../time.js';

const STATUS_TONE: Record<string, string> = { operating: 'ok', rollout: 'warn', closed: 'muted', none: 'none' };

export function OverviewPage({ session }: { session: SessionInfo }) {
  const { t, locale } = useI18n();
  const communities = usePolled(() => get<{ items: Community[] }>('/api/communities'), 'communities');
  const rollout = usePolled(can(session, 'rollout.view') ? () => get<Json>('/api/rollout') : null, 'rollout');
  const summary = usePolled(() => get<Json>('/api/reports/summary'), 'summary');
  const cycles = usePolled(can(session, 'training.view') ? () => get<Json>('/api/training-cycles?status=running') : null, 'cycles');
  const escalations = usePolled(session.principal.workerId ? () => get<Json>('/api/notifications?kind=escalation&unread=true&limit=20') : null, 'escalations');
  const overdue = usePolled(can(session, 'station.view') ? () => get<Json>('/api/stations/plans') : null, 'overdue');

  const projected = asString(pick(rollout.data, 'projectedFullCoverage', 'coverage.projectedFullCoverage', 'projectedFullCoverageOn', 'coverage.projectedFullCoverageOn'))
    ?? asString(pick(summary.data, 'coverage.projectedFullCoverage', 'projectedFullCoverage'));

  return (
    <div className="grid">
      <Section title={t('coverage')} id="coverage">
        <Loadable state={communities}>
          {(data) => {
            const operating = data.items.filter((c) => c.station?.status === 'operating').length;
            return (
              <>
                <p className="big" data-testid="coverage-count">{t('coverage_of', { n: operating, total: data.items.length })}</p>
                <p>{t('projected_full')}: <strong data-testid="projected-date">{projected ? formatDate(projected, locale) : t('not_projected')}</strong></p>
                {rollout.error ? <ErrorNote error={rollout.error} /> : null}
                <ul className="community-grid" aria-label={t('coverage')}>
                  {data.items.map((community) => {
                    const status = community.station?.status ?? 'none';
                    const label = `${localized(locale, community.name)}: ${translateKey(t, 'legend', status)}`;
                    const content = (
                      <>
                        <span className="community-name">{localized(locale, community.name)}</span>
                        <span className="community-status">{translateKey(t, 'legend', status)}</span>
                      </>
                    );
                    return (
                      <li key={community.id} className={`tile tile-${STATUS_TONE[status] ?? 'none'}`} data-status={status} data-community={community.id} title={label}>
                        {community.station && can(session, 'station.view')
                          ? <a {...linkProps(`/stations/${encodeURIComponent(community.id)}`)} aria-label={label}>{content}</a>
                          : <span aria-label={label}>{content}</span>}
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

      <Section title={t('stations_by_stage')}>
        <Loadable state={summary}>{(data) => <StageCounts summary={data} />}</Loadable>
      </Section>

      <Section title={t('training_completion')}>
        <Loadable state={summary}>{(data) => <TrainingByDimension summary={data} />}</Loadable>
      </Section>

      <Section title={t('residents_by_theme')}>
        <Loadable state={summary}>{(data) => <ResidentsByTheme summary={data} />}</Loadable>
      </Section>

      <Section title={`${t('overdue_tasks')} · ${t('open_escalations')}`}>
        <div className="two">
          {can(session, 'station.view') ? (
            <div>
              <h3>{t('overdue_tasks')}</h3>
              <Loadable state={overdue}>{(data) => <OverdueTasks answer={data} session={session} />}</Loadable>
            </div>
          ) : null}
          <div>
            <h3>{t('open_escalations')}</h3>
            {session.principal.workerId ? <Loadable state={escalations}>{(data) => <Escalations answer={data} />}</Loadable> : <Empty />}
          </div>
        </div>
      </Section>

      {can(session, 'training.view') ? (
        <Section title={t('upcoming_sessions')}>
          <Loadable state={cycles}>{(data) => <UpcomingSessions cycles={data} />}</Loadable>
        </Section>
      ) : null}
    </div>
  );
}

function StageCounts({ summary }: { summary: Json }) {
  const { t } = useI18n();
  const raw = pick(summary, 'plansByStage', 'plans.byStage', 'stationsByStage');
  const rows: Array<{ key: string; count: number }> = Array.isArray(raw)
    ? asArray(raw).map((row) => ({ key: asString(row.stage) ?? 'none', count: asNumber(row.count) ?? asNumber(row.stations) ?? 0 }))
    : Object.entries((raw as Record<string, unknown>) ?? {}).map(([key, value]) => ({ key, count: asNumber(value) ?? 0 }));
  if (rows.length === 0) return <Empty />;
  return (
    <table className="table compact">
      <tbody>
        {rows.map((row) => <tr key={row.key}><th scope="row">{translateKey(t, 'stage', row.key)}</th><td className="num">{row.count}</td></tr>)}
      </tbody>
    </table>
  );
}

function TrainingByDimension({ summary }: { summary: Json }) {
  const { t, locale } = useI18n();
  const rows = asArray(pick(summary, 'trainingCompletion', 'training.byDimension')).map((row) => {
    const rate = asNumber(row.completionRate) ?? asNumber(row.rate) ?? (asNumber(row.completed) !== undefined && asNumber(row.enrolled) ? (asNumber(row.completed)! / asNumber(row.enrolled)!) : undefined);
    return { key: asString(row.dimension) ?? asString(row.key) ?? '', name: localized(locale, nameOf(row.name ?? row.dimensionName ?? row.dimension)), rate: rate ?? 0 };
  });
  const option = useMemo(() => ({
    grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', data: rows.map((row) => row.name), axisLabel: { width: 120, overflow: 'truncate' } },
    series: [{ type: 'bar', data: rows.map((row) => Math.round(row.rate * 100)), itemStyle: { color: '#2f6fb0' }, label: { show: true, position: 'right', formatter: '{c}%' } }],
    tooltip: { trigger: 'axis' },
  }), [rows]);
  if (rows.length === 0) return <Empty />;
  return (
    <>
      <Chart option={option} label={t('training_completion')} height={40 + rows.length * 36} />
      <table className="table compact sr-table">
        <tbody>{rows.map((row) => <tr key={row.key}><th scope="row">{row.name}</th><td className="num">{Math.round(row.rate * 100)}%</td></tr>)}</tbody>
      </table>
    </>
  );
}

function ResidentsByTheme({ summary }: { summary: Json }) {
  const { t, locale } = useI18n();
  const served = pick(summary, 'residentsServed', 'ventureProjects.residentsServed', 'projects.residentsServed');
  const rows = asArray(pick(served, 'byTheme')).map((row) => ({
    key: asString(row.theme) ?? '', name: localized(locale, nameOf(row.name ?? row.theme)), value: asNumber(row.residentsServed) ?? 0,
  }));
  const total = asNumber(pick(served, 'total')) ?? rows.reduce((sum, row) => sum + row.value, 0);
  const option = useMemo(() => ({
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: { bottom: 0, type: 'scroll' },
    color: ['#2f6fb0', '#e08a2c', '#3a9a5b', '#b8465a', '#7a5aa6'],
    series: [{ type: 'pie', radius: ['35%', '65%'], center: ['50%', '45%'], data: rows.map((row) => ({ name: row.name, value: row.value })), label: { formatter: '{b}\n{c}' } }],
  }), [rows]);
  if (rows.length === 0) return <Empty />;
  return (
    <>
      <p data-testid="residents-total">{t('residents_total', { n: total })}</p>
      <Chart option={option} label={t('residents_by_theme')} height={300} />
      <table className="table compact sr-table">
        <tbody>{rows.map((row) => <tr key={row.key}><th scope="row">{row.name}</th><td className="num">{row.value}</td></tr>)}</tbody>
      </table>
    </>
  );
}

/** Overdue tasks across the stations in scope, newest due date first. */
function OverdueTasks({ answer, session }: { answer: Json; session: SessionInfo }) {
  const { t, locale } = useI18n();
  const tasks = items(answer).flatMap((plan) => asArray(plan.overdueTasks ?? (asNumber(asObject(plan.tasks).overdue) ? [plan] : [])).map((task) => ({ plan, task })))
    .sort((a, b) => String(b.task.dueAt ?? b.plan.nextDueAt ?? '').localeCompare(String(a.task.dueAt ?? a.plan.nextDueAt ?? '')));
  if (tasks.length === 0) return <Empty />;
  return (
    <ul className="list">
      {tasks.slice(0, 20).map(({ plan, task }, index) => {
        const community = asString(plan.communityId) ?? '';
        const title = task === plan ? t('overdue_tasks') + ` × ${String(asObject(plan.tasks).overdue)}` : localized(locale, nameOf(task.title ?? task.id));
        return (
          <li key={`${community}:${index}`}>
            {can(session, 'station.view') && community ? <a {...linkProps(`/stations/${encodeURIComponent(community)}`)}>{title}</a> : title}
            <span className="muted"> · {localized(locale, nameOf(plan.communityName ?? community))} · {t('due')} {formatDateTime(asString(task.dueAt ?? plan.nextDueAt), locale)}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** Unread escalations in the signed-in person's inbox, newest first. */
function Escalations({ answer }: { answer: Json }) {
  const { locale } = useI18n();
  const rows = items(answer).sort((a, b) => String(b.createdAt ?? '').localeCompare(String(a.createdAt ?? '')));
  if (rows.length === 0) return <Empty />;
  return (
    <ul className="list">
      {rows.map((item) => (
        <li key={String(item.id)}>
          <a {...linkProps('/inbox?unread=1')}>{String(item.subject ?? '')}</a>
          <span className="muted"> · {formatDateTime(asString(item.createdAt), locale)}</span>
        </li>
      ))}
    </ul>
  );
}

function UpcomingSessions({ cycles }: { cycles: Json }) {
  const { locale } = useI18n();
  const now = Date.now();
  const weekAhead = now + 7 * 86_400_000;
  const sessions = items(cycles).flatMap((cycle) => asArray(cycle.sessions ?? cycle.upcomingSessions).map((session) => ({ cycle, session })))
    .filter(({ session }) => {
      const at = Date.parse(String(session.startsAt ?? ''));
      return at >= now && at <= weekAhead && session.status !== 'cancelled';
    })
    .sort((a, b) => String(a.session.startsAt).localeCompare(String(b.session.startsAt)));
  if (sessions.length === 0) return <Empty />;
  return (
    <ul className="list">
      {sessions.map(({ cycle, session }) => (
        <li key={String(session.id)}>
          <a {...linkProps(`/training/${encodeURIComponent(String(cycle.id))}`)}>{formatDateTime(asString(session.startsAt), locale)}</a>
          {' '}{localized(locale, nameOf(session.dimensionName ?? session.dimension))} L{String(session.level ?? '')}
          <span className="muted"> · {String(session.place ?? '')} · {String(cycle.name ?? '')}</span>
        </li>
      ))}
    </ul>
  );
}

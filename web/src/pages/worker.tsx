import { useMemo, useState } from 'react';
import { api, unwrap, type Answer } from '../api/client.js';
import { Badge, Chart, Empty, Loadable, NARROW_CHART, Pager, Section, When } from '../components.js';
import { Downloads } from '../downloads.js';
import { usePolled } from '../hooks.js';
import { localized, translateKey, useI18n } from '../i18n.js';
import { linkProps } from '../router.js';
import { can, type SessionInfo } from '../session.js';
import { WorkerForm } from './worker-form.js';

type Ladder = Answer<'/api/workers/{workerId}/ladder'>;
type LadderDimension = Ladder['dimensions'][number];
type Enrolment = Ladder['enrolments'][number];
type Assessment = LadderDimension['assessments'][number] & { dimensionName: LadderDimension['name'] };

const PAGE = 25;

export function WorkerPage({ session, workerId }: { session: SessionInfo; workerId?: string }) {
  const own = session.principal.role === 'social_worker' ? session.principal.workerId ?? undefined : undefined;
  const selected = workerId ?? own;
  return (
    <div className="stack">
      {can(session, 'worker.list') ? <WorkerList selected={selected} /> : null}
      {can(session, 'workers.manage') && !selected ? <WorkerForm session={session} /> : null}
      {selected ? <LadderView key={selected} workerId={selected} /> : null}
    </div>
  );
}

function WorkerList({ selected }: { selected?: string }) {
  const { t } = useI18n();
  const [page, setPage] = useState(0);
  const [filter, setFilter] = useState('');
  const workers = usePolled(() => unwrap(api.GET('/api/workers', { params: { query: { limit: 500 } } })), 'workers', 60_000);
  return (
    <Section title={t('choose_worker')} actions={<label className="inline">{t('search')}<input type="search" value={filter} onChange={(event) => { setFilter(event.target.value); setPage(0); }} /></label>}>
      <Loadable state={workers} empty={(data) => data.items.length === 0}>
        {(data) => {
          const matching = data.items.filter((w) => !filter || `${w.id} ${w.name}`.toLowerCase().includes(filter.toLowerCase()));
          const shown = matching.slice(page * PAGE, page * PAGE + PAGE);
          return (
            <>
              {shown.length === 0 ? <Empty /> : (
                <ul className="chips">
                  {shown.map((w) => (
                    <li key={w.id}>
                      <a {...linkProps(`/workers/${encodeURIComponent(w.id)}`)} aria-current={w.id === selected ? 'page' : undefined}>{w.name}</a>
                    </li>
                  ))}
                </ul>
              )}
              <Pager page={page} hasMore={matching.length > (page + 1) * PAGE} onPage={setPage} />
            </>
          );
        }}
      </Loadable>
    </Section>
  );
}

function LadderView({ workerId }: { workerId: string }) {
  const { t, locale } = useI18n();
  const path = { workerId };
  const ladder = usePolled(() => unwrap(api.GET('/api/workers/{workerId}/ladder', { params: { path } })), `ladder:${workerId}`);
  const worker = usePolled(() => unwrap(api.GET('/api/workers/{workerId}', { params: { path } })), `worker:${workerId}`, 600_000);
  return (
    <Loadable state={ladder}>
      {(data) => {
        const dimensions = data.dimensions.map((row) => ({ key: row.key, name: localized(locale, row.name), level: row.level, max: row.levels.length || 3 }));
        const enrolments = [...data.enrolments].sort((a, b) => b.enrolledAt.localeCompare(a.enrolledAt));
        const flags = enrolments.filter((e) => e.coachingFlag);
        const assessments: Assessment[] = data.dimensions.flatMap((d) => d.assessments.map((a) => ({ ...a, dimensionName: d.name })))
          .sort((a, b) => b.assessedAt.localeCompare(a.assessedAt));
        return (
          <>
            <Section title={`${t('ladder')} · ${worker.data?.name ?? workerId}`} actions={<Downloads path={`/api/exports/workers/${encodeURIComponent(workerId)}/ladder`} />}>
              {dimensions.length === 0 ? <Empty /> : (
                <div className="two">
                  <RadarChart rows={dimensions} />
                  <table className="table compact">
                    <thead><tr><th scope="col">{t('dimension')}</th><th scope="col">{t('current_level')}</th></tr></thead>
                    <tbody>{dimensions.map((row) => <tr key={row.key}><th scope="row">{row.name}</th><td className="num">{row.level} / {row.max}</td></tr>)}</tbody>
                  </table>
                </div>
              )}
            </Section>
            <Section title={t('training_history')}>
              <History rows={enrolments} />
            </Section>
            <Section title={t('assessments')}>
              <Assessments rows={assessments} />
            </Section>
            <Section title={t('coaching_flags')}>
              {flags.length === 0 ? <Empty>{t('no_coaching')}</Empty> : (
                <ul className="list">{flags.map((flag) => <li key={flag.cycleId}><Badge tone="warn">{flag.cycleName}</Badge> {flag.coachingFlag} <span className="muted"><When at={flag.finishedAt ?? flag.enrolledAt} /></span></li>)}</ul>
              )}
            </Section>
          </>
        );
      }}
    </Loadable>
  );
}

function RadarChart({ rows }: { rows: Array<{ name: string; level: number; max: number }> }) {
  const { t } = useI18n();
  const option = useMemo(() => (width: number) => ({
    tooltip: {},
    radar: {
      indicator: rows.map((row) => ({ name: row.name, max: row.max })),
      radius: width < NARROW_CHART ? '48%' : '60%',
      // Long dimension names wrap inside the space left around the web instead of being clipped.
      axisName: { color: '#333', fontSize: 11, width: width < NARROW_CHART ? 66 : 120, overflow: 'break', lineHeight: 13 },
    },
    series: [{ type: 'radar', data: [{ value: rows.map((row) => row.level), name: t('current_level'), areaStyle: { opacity: 0.25 } }] }],
  }), [rows, t]);
  return <Chart option={option} label={`${t('ladder')}: ${rows.map((row) => `${row.name} ${row.level}`).join(', ')}`} height={300} />;
}

function History({ rows }: { rows: Enrolment[] }) {
  const { t } = useI18n();
  const [page, setPage] = useState(0);
  if (rows.length === 0) return <Empty />;
  return (
    <>
      <table className="table">
        <thead><tr><th scope="col">{t('training_cycles')}</th><th scope="col">{t('status')}</th><th scope="col">{t('starts_at')}</th></tr></thead>
        <tbody>
          {rows.slice(page * PAGE, page * PAGE + PAGE).map((row) => (
            <tr key={row.cycleId}>
              <td><a {...linkProps(`/training/${encodeURIComponent(row.cycleId)}`)}>{row.cycleName}</a></td>
              <td>{translateKey(t, 'enrolment', row.status)}</td>
              <td><When at={row.enrolledAt} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={page} hasMore={rows.length > (page + 1) * PAGE} onPage={setPage} />
    </>
  );
}

function Assessments({ rows }: { rows: Assessment[] }) {
  const { t, locale } = useI18n();
  const [page, setPage] = useState(0);
  if (rows.length === 0) return <Empty />;
  return (
    <>
      <table className="table">
        <thead><tr><th scope="col">{t('dimension')}</th><th scope="col">{t('score')}</th><th scope="col">{t('status')}</th><th scope="col">{t('starts_at')}</th></tr></thead>
        <tbody>
          {rows.slice(page * PAGE, page * PAGE + PAGE).map((row, index) => (
            <tr key={index}>
              <td>{localized(locale, row.dimensionName)} L{row.level} #{row.attempt}</td>
              <td className="num">{row.score}</td>
              <td><Badge tone={row.passed ? 'ok' : 'bad'}>{row.passed ? t('passed') : t('failed')}</Badge></td>
              <td><When at={row.assessedAt} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={page} hasMore={rows.length > (page + 1) * PAGE} onPage={setPage} />
    </>
  );
}

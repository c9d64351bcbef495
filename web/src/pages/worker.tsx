import { useMemo, useState } from 'react';
import { get, query } from '../api.js';
import { Badge, Chart, Empty, Loadable, Pager, Section } from '../components.js';
import { asArray, asNumber, asString, items, type Json, nameOf } from '../data.js';
import { usePolled } from '../hooks.js';
import { localized, useI18n } from '../i18n.js';
import { linkProps } from '../router.js';
import { can, type SessionInfo } from '../session.js';
import { formatDateTime } from '../time.js';

const PAGE = 25;

export function WorkerPage({ session, workerId }: { session: SessionInfo; workerId?: string }) {
  const own = session.principal.role === 'social_worker' ? session.principal.workerId ?? undefined : undefined;
  const selected = workerId ?? own;
  return (
    <div className="stack">
      {can(session, 'worker.list') ? <WorkerList selected={selected} /> : null}
      {selected ? <Ladder key={selected} workerId={selected} /> : null}
    </div>
  );
}

function WorkerList({ selected }: { selected?: string }) {
  const { t } = useI18n();
  const [page, setPage] = useState(0);
  const [filter, setFilter] = useState('');
  const path = `/api/workers${query({ limit: 500 })}`;
  const workers = usePolled(() => get<Json>(path), path, 60_000);
  return (
    <Section title={t('choose_worker')} actions={<label className="inline">{t('search')}<input type="search" value={filter} onChange={(event) => { setFilter(event.target.value); setPage(0); }} /></label>}>
      <Loadable state={workers} empty={(data) => items(data).length === 0}>
        {(data) => {
          const matching = items(data).filter((w) => !filter || `${String(w.id)} ${String(w.name)}`.toLowerCase().includes(filter.toLowerCase()));
          const shown = matching.slice(page * PAGE, page * PAGE + PAGE);
          return (
            <>
              {shown.length === 0 ? <Empty /> : (
                <ul className="chips">
                  {shown.map((w) => (
                    <li key={String(w.id)}>
                      <a {...linkProps(`/workers/${encodeURIComponent(String(w.id))}`)} aria-current={w.id === selected ? 'page' : undefined}>{String(w.name)}</a>
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

function Ladder({ workerId }: { workerId: string }) {
  const { t, locale } = useI18n();
  const path = `/api/workers/${encodeURIComponent(workerId)}/ladder`;
  const ladder = usePolled(() => get<Json>(path), path);
  return (
    <Loadable state={ladder}>
      {(data) => {
        const dimensions = asArray(data.dimensions ?? data.ladder ?? data.levels).map((row) => ({
          key: String(row.dimension ?? row.key ?? ''),
          name: localized(locale, nameOf(row.name ?? row.dimensionName ?? row.dimension)),
          level: asNumber(row.level) ?? asNumber(row.currentLevel) ?? 0,
          max: asArray(row.levels).length || 3,
        }));
        const enrolments = asArray(data.enrolments).sort((a, b) => String(b.enrolledAt ?? '').localeCompare(String(a.enrolledAt ?? '')));
        const flags = enrolments.filter((e) => e.coachingFlag);
        const assessments = asArray(data.dimensions).flatMap((d) => asArray(d.assessments).map((a): Json => ({ ...a, dimension: d.key, dimensionName: d.name })))
          .sort((a, b) => String(b.assessedAt ?? '').localeCompare(String(a.assessedAt ?? '')));
        const worker = (data.worker ?? {}) as Json;
        return (
          <>
            <Section title={`${t('ladder')} · ${String(worker.name ?? workerId)}`}>
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
                <ul className="list">{flags.map((flag, index) => <li key={index}><Badge tone="warn">{String(flag.cycleName ?? flag.cycleId)}</Badge> {String(flag.coachingFlag)} <span className="muted">{formatDateTime(asString(flag.finishedAt ?? flag.enrolledAt), locale)}</span></li>)}</ul>
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
  const option = useMemo(() => ({
    tooltip: {},
    radar: { indicator: rows.map((row) => ({ name: row.name, max: row.max })), radius: '62%', axisName: { color: '#333', fontSize: 11 } },
    series: [{ type: 'radar', data: [{ value: rows.map((row) => row.level), name: t('current_level'), areaStyle: { opacity: 0.25 } }] }],
  }), [rows, t]);
  return <Chart option={option} label={`${t('ladder')}: ${rows.map((row) => `${row.name} ${row.level}`).join(', ')}`} height={300} />;
}

function History({ rows }: { rows: Json[] }) {
  const { t, locale } = useI18n();
  const [page, setPage] = useState(0);
  if (rows.length === 0) return <Empty />;
  return (
    <>
      <table className="table">
        <thead><tr><th scope="col">{t('training_cycles')}</th><th scope="col">{t('status')}</th><th scope="col">{t('starts_at')}</th></tr></thead>
        <tbody>
          {rows.slice(page * PAGE, page * PAGE + PAGE).map((row) => (
            <tr key={String(row.cycleId)}>
              <td><a {...linkProps(`/training/${encodeURIComponent(String(row.cycleId))}`)}>{String(row.cycleName ?? row.cycleId)}</a></td>
              <td>{String(row.status ?? '')}</td>
              <td>{formatDateTime(asString(row.enrolledAt), locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={page} hasMore={rows.length > (page + 1) * PAGE} onPage={setPage} />
    </>
  );
}

function Assessments({ rows }: { rows: Json[] }) {
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
              <td>{localized(locale, nameOf(row.dimensionName))} L{String(row.level)} #{String(row.attempt)}</td>
              <td className="num">{String(row.score)}</td>
              <td><Badge tone={row.passed ? 'ok' : 'bad'}>{row.passed ? t('passed') : t('failed')}</Badge></td>
              <td>{formatDateTime(asString(row.assessedAt), locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={page} hasMore={rows.length > (page + 1) * PAGE} onPage={setPage} />
    </>
  );
}

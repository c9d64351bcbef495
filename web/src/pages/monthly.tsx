import { useMemo } from 'react';
import { api, unwrap, type Answer } from '../api/client.js';
import { ErrorNote, Loadable, Section } from '../components.js';
import { Downloads } from '../downloads.js';
import { usePolled } from '../hooks.js';
import { localized, translateKey, useI18n } from '../i18n.js';
import { navigate } from '../router.js';
import { formatDate } from '../time.js';

// The monthly report (月报) as a printable page: the same figures as its .xlsx and PDF, laid out
// for paper (the print style sheet hides the navigation and the controls).

type Monthly = Answer<'/api/reports/monthly'>;

function thisMonth(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
}

export function MonthlyPage({ search }: { search: URLSearchParams }) {
  const { t } = useI18n();
  const month = search.get('month') || thisMonth();
  const streetId = search.get('streetId') || undefined;
  const communities = usePolled(() => unwrap(api.GET('/api/communities')), 'communities', 60_000);
  const streets = useMemo(() => [...new Set((communities.data?.items ?? []).map((c) => c.streetId))].sort(), [communities.data]);
  const chosenStreet = streetId ?? (streets.length > 1 ? streets[0] : undefined);
  const report = usePolled(() => unwrap(api.GET('/api/reports/monthly', { params: { query: { month, streetId: chosenStreet } } })), `monthly:${month}:${chosenStreet ?? ''}`, 60_000);
  const go = (next: { month?: string; streetId?: string }) => {
    const params = new URLSearchParams({ month: next.month ?? month, ...(next.streetId ?? chosenStreet ? { streetId: (next.streetId ?? chosenStreet)! } : {}) });
    navigate(`/reports/monthly?${params.toString()}`);
  };
  const query = { month, streetId: chosenStreet };
  return (
    <div className="stack monthly">
      <Section title={t('monthly_report')} actions={
        <span className="buttons no-print">
          <label className="inline">{t('month')}<input type="month" value={month} onChange={(event) => event.target.value && go({ month: event.target.value })} /></label>
          {streets.length > 1 ? (
            <label className="inline">{t('street_choice')}
              <select value={chosenStreet} onChange={(event) => go({ streetId: event.target.value })}>
                {streets.map((id) => <option key={id} value={id}>{id}</option>)}
              </select>
            </label>
          ) : null}
          <button type="button" onClick={() => window.print()}>{t('print')}</button>
          <Downloads path="/api/exports/monthly" query={query} formats={['xlsx', 'pdf']} />
        </span>
      }>
        {communities.error ? <ErrorNote error={communities.error} /> : null}
        <Loadable state={report}>
          {(data) => <MonthlyBody report={data} />}
        </Loadable>
      </Section>
    </div>
  );
}

function MonthlyBody({ report: data }: { report: Monthly }) {
  const { t, locale } = useI18n();
  const rows: Array<[string, string | number]> = [
    [t('communities_total'), data.coverage.communities], [t('stations_operating'), data.coverage.operating],
    [t('communities_remaining'), data.coverage.remaining], [t('stations_in_rollout'), data.coverage.inRollout],
    [t('opened_this_month'), data.coverage.openedThisMonth], [t('coverage_ratio'), `${(data.coverage.ratio * 100).toFixed(1)}%`],
    [t('projected_full'), data.coverage.projectedFullCoverage ? formatDate(data.coverage.projectedFullCoverage, locale) : t('not_projected')],
    [t('residents_this_month'), data.residentsServed.month], [t('residents_this_year'), data.residentsServed.yearToDate],
    [t('overdue_count'), data.overdue.count],
  ];
  return (
    <article data-testid="monthly-report">
      <h2 className="print-title">{t('monthly_report_title', { street: localized(locale, data.street.name), month: data.month })}</h2>
      <p className="note">{t('as_of', { date: formatDate(data.asOf, locale) })}</p>
      <table className="table compact" data-testid="monthly-figures">
        <tbody>{rows.map(([label, value]) => <tr key={label}><th scope="row">{label}</th><td className="num">{value}</td></tr>)}</tbody>
      </table>
      <h3>{t('stations_by_stage')}</h3>
      <table className="table compact">
        <tbody>{Object.entries(data.plansByStage).map(([stage, n]) => <tr key={stage}><th scope="row">{translateKey(t, 'stage', stage)}</th><td className="num">{n}</td></tr>)}</tbody>
      </table>
      <h3>{t('training_completion')}</h3>
      <table className="table compact">
        <thead><tr><th scope="col">{t('dimension')}</th><th scope="col">{t('workers_count')}</th><th scope="col">{t('completion_rate')}</th></tr></thead>
        <tbody>{data.training.map((d) => <tr key={d.dimension}><th scope="row">{localized(locale, d.name)}</th><td className="num">{d.workers}</td><td className="num">{(d.completionRate * 100).toFixed(1)}%</td></tr>)}</tbody>
      </table>
      <h3>{t('residents_by_theme')}</h3>
      <table className="table compact" data-testid="monthly-themes">
        <thead><tr><th scope="col">{t('theme')}</th><th scope="col">{t('records')}</th><th scope="col">{t('residents_served')}</th></tr></thead>
        <tbody>{data.residentsServed.byTheme.map((row) => <tr key={row.theme}><th scope="row">{localized(locale, row.name)}</th><td className="num">{row.records}</td><td className="num">{row.residentsServed}</td></tr>)}</tbody>
      </table>
      <h3>{t('venture_projects')}</h3>
      <table className="table compact">
        <tbody>{Object.entries(data.ventureProjects.byStatus).map(([status, n]) => <tr key={status}><th scope="row">{translateKey(t, 'status', status)}</th><td className="num">{n}</td></tr>)}</tbody>
      </table>
      <h3>{t('overdue_tasks')}</h3>
      {data.overdue.items.length === 0 ? <p className="note empty">{t('empty')}</p> : (
        <table className="table compact">
          <thead><tr><th scope="col">{t('community')}</th><th scope="col">{t('task')}</th><th scope="col">{t('due')}</th></tr></thead>
          <tbody>{data.overdue.items.map((item, index) => <tr key={index}><td>{localized(locale, item.community)}</td><td>{localized(locale, item.title)}</td><td>{formatDate(item.dueAt, locale)}</td></tr>)}</tbody>
        </table>
      )}
    </article>
  );
}

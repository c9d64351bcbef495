import { useMemo, useState } from 'react';
import { api, unwrap, type Answer } from '../api/client.js';
import { Chart, Loadable, Pager, Section } from '../components.js';
import { Downloads } from '../downloads.js';
import { usePolled } from '../hooks.js';
import { localized, useI18n, type MessageKey } from '../i18n.js';

// The units under the caller's scope side by side (a district's streets, a city's districts):
// a sortable table, a chart of coverage and residents served, and the export.

type Rollup = Answer<'/api/reports/rollup'>;
type SortKey = 'name' | 'communities' | 'stationsOperating' | 'communitiesRemaining' | 'coverageRatio' | 'trainingCompletion' | 'residentsServed';
const PAGE = 20;

const COLUMNS: Array<{ key: SortKey; label: MessageKey; percent?: boolean }> = [
  { key: 'name', label: 'unit' },
  { key: 'communities', label: 'communities_total' },
  { key: 'stationsOperating', label: 'stations_operating' },
  { key: 'communitiesRemaining', label: 'communities_remaining' },
  { key: 'coverageRatio', label: 'coverage_ratio', percent: true },
  { key: 'trainingCompletion', label: 'completion_rate', percent: true },
  { key: 'residentsServed', label: 'residents_served' },
];

export function RollupPage() {
  const { t, locale } = useI18n();
  const [sort, setSort] = useState<SortKey>('name');
  const [order, setOrder] = useState<'asc' | 'desc'>('asc');
  const [page, setPage] = useState(0);
  const query = { sort, order, limit: PAGE, offset: page * PAGE };
  const rollup = usePolled(() => unwrap(api.GET('/api/reports/rollup', { params: { query } })), `rollup:${sort}:${order}:${page}`);
  const choose = (key: SortKey) => {
    if (key === sort) setOrder(order === 'asc' ? 'desc' : 'asc');
    else {
      setSort(key);
      setOrder(key === 'name' ? 'asc' : 'desc');
    }
    setPage(0);
  };
  return (
    <Section title={rollup.data ? t('rollup_title', { scope: localized(locale, rollup.data.scope.name) }) : t('rollup')}
      actions={<Downloads path="/api/exports/rollup" query={{ sort, order }} />}>
      <Loadable state={rollup} empty={(data) => data.total === 0}>
        {(data) => (
          <>
            <RollupChart rollup={data} />
            <table className="table" data-testid="rollup-table">
              <thead>
                <tr>
                  {COLUMNS.map((column) => (
                    <th key={column.key} scope="col" aria-sort={sort === column.key ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
                      <button type="button" className="link" title={t('sort_by')} onClick={() => choose(column.key)}>
                        {t(column.label)}{sort === column.key ? (order === 'asc' ? ' ▲' : ' ▼') : ''}
                      </button>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.items.map((row) => (
                  <tr key={row.id} data-unit={row.id}>
                    {COLUMNS.map((column) => (column.key === 'name'
                      ? <th key={column.key} scope="row">{localized(locale, row.name)}</th>
                      : <td key={column.key} className="num">{column.percent ? `${(row[column.key] * 100).toFixed(1)}%` : row[column.key]}</td>))}
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  {COLUMNS.map((column) => (column.key === 'name'
                    ? <th key={column.key} scope="row">{t('totals')}</th>
                    : <td key={column.key} className="num">{column.percent ? `${(data.totals[column.key] * 100).toFixed(1)}%` : data.totals[column.key]}</td>))}
                </tr>
              </tfoot>
            </table>
            <Pager page={page} hasMore={data.total > (page + 1) * PAGE} onPage={setPage} />
          </>
        )}
      </Loadable>
    </Section>
  );
}

function RollupChart({ rollup }: { rollup: Rollup }) {
  const { t, locale } = useI18n();
  const option = useMemo(() => ({
    tooltip: { trigger: 'axis', confine: true },
    legend: { bottom: 0 },
    grid: { left: 48, right: 48, top: 24, bottom: 64 },
    xAxis: { type: 'category', data: rollup.items.map((row) => localized(locale, row.name)), axisLabel: { interval: 0, rotate: rollup.items.length > 6 ? 30 : 0 } },
    yAxis: [{ type: 'value', name: t('coverage_ratio'), max: 100, axisLabel: { formatter: '{value}%' } }, { type: 'value', name: t('residents_served') }],
    series: [
      { name: t('coverage_ratio'), type: 'bar', data: rollup.items.map((row) => Math.round(row.coverageRatio * 1000) / 10), itemStyle: { color: '#2f6fb0' } },
      { name: t('residents_served'), type: 'line', yAxisIndex: 1, data: rollup.items.map((row) => row.residentsServed), itemStyle: { color: '#e08a2c' } },
    ],
  }), [rollup, locale, t]);
  return <Chart option={option} label={t('rollup_chart')} height={300} />;
}

import { useMemo } from 'react';
import type { Answer } from './api/client.js';
import { Chart } from './components.js';
import { useI18n } from './i18n.js';

// Coverage over time: stations operating by date (as they opened), then the projection from the
// running rollouts' projected openings, up to the projected full-coverage date.

type Coverage = Answer<'/api/rollout'>;

export function CoverageOverTime({ coverage }: { coverage: Coverage }) {
  const { t } = useI18n();
  const option = useMemo(() => {
    const actual = coverage.byDate.map((point) => [point.date, point.operating]);
    const last = coverage.byDate[coverage.byDate.length - 1];
    const projected = [...(last ? [[coverage.asOf, last.operating]] : []), ...coverage.projectedByDate.map((point) => [point.date, point.operating])];
    return {
      tooltip: { trigger: 'axis', confine: true },
      legend: { bottom: 0 },
      grid: { left: 40, right: 24, top: 24, bottom: 56 },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', max: coverage.total, minInterval: 1 },
      series: [
        { name: t('coverage_actual'), type: 'line', step: 'end', data: actual, itemStyle: { color: '#2f6fb0' } },
        {
          name: t('coverage_projected'), type: 'line', step: 'end', data: projected, lineStyle: { type: 'dashed' }, itemStyle: { color: '#e08a2c' },
          ...(coverage.projectedFullCoverage ? { markLine: { symbol: 'none', label: { formatter: t('full_coverage_on', { date: coverage.projectedFullCoverage }) }, data: [{ xAxis: coverage.projectedFullCoverage }] } } : {}),
        },
      ],
    };
  }, [coverage, t]);
  return <Chart option={option} label={t('coverage_over_time')} height={260} />;
}

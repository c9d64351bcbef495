import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { BarChart, PieChart, RadarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, RadarComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { ApiError } from './api/client.js';
import { describeError, describeProblem } from './errors.js';
import { formatDate, formatDateTime } from './time.js';
import { useI18n, type Locale, type Translate } from './i18n.js';

echarts.use([BarChart, PieChart, RadarChart, GridComponent, LegendComponent, RadarComponent, TooltipComponent, CanvasRenderer]);

export { Field, FieldError } from './errors.js';

/** An API error in words, in the reader's language (web/src/errors.tsx), for the place that caused it. */
export function errorText(reader: { t: Translate; locale: Locale }, error: ApiError): string {
  return describeError(reader, error);
}

/** An error in the reader's language; every field problem too, when no form field shows them. */
export function ErrorNote({ error, onRetry, withFields = false }: { error: ApiError | undefined; onRetry?: () => void; withFields?: boolean }) {
  const { t, locale } = useI18n();
  if (!error) return null;
  const problems = withFields ? error.details.map((problem) => describeProblem({ t, locale }, problem)) : [];
  return (
    <p className="note error" role="alert">
      {[describeError({ t, locale }, error), ...problems].join(' ')}
      {onRetry ? <> <button type="button" className="link" onClick={onRetry}>{t('retry')}</button></> : null}
    </p>
  );
}

export function Loading() {
  const { t } = useI18n();
  return <p className="note loading" role="status" aria-live="polite">{t('loading')}</p>;
}

export function Empty({ children }: { children?: ReactNode }) {
  const { t } = useI18n();
  return <p className="note empty">{children ?? t('empty')}</p>;
}

/** Loading, error and empty states around a piece of data; children render it when there is some. */
export function Loadable<T>({ state, empty, children }: {
  state: { data: T | undefined; error: ApiError | undefined; loading: boolean; reload(): void };
  empty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}) {
  if (state.error && state.data === undefined) return <ErrorNote error={state.error} onRetry={state.reload} />;
  if (state.data === undefined) return state.loading ? <Loading /> : <Empty />;
  return (
    <>
      {state.error ? <ErrorNote error={state.error} onRetry={state.reload} /> : null}
      {empty?.(state.data) ? <Empty /> : children(state.data)}
    </>
  );
}

export function Section({ title, children, actions, id }: { title: string; children: ReactNode; actions?: ReactNode; id?: string }) {
  const headingId = useId();
  return (
    <section className="card" aria-labelledby={headingId} id={id}>
      <header className="card-head">
        <h2 id={headingId}>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

export function Pager({ page, hasMore, onPage }: { page: number; hasMore: boolean; onPage(page: number): void }) {
  const { t } = useI18n();
  if (page === 0 && !hasMore) return null;
  return (
    <nav className="pager" aria-label={t('page_n', { n: page + 1 })}>
      <button type="button" onClick={() => onPage(page - 1)} disabled={page === 0}>{t('prev_page')}</button>
      <span>{t('page_n', { n: page + 1 })}</span>
      <button type="button" onClick={() => onPage(page + 1)} disabled={!hasMore}>{t('next_page')}</button>
    </nav>
  );
}

/** Pages a list held in memory. */
export function pageOf<T>(items: T[], page: number, size: number): { items: T[]; hasMore: boolean } {
  return { items: items.slice(page * size, page * size + size), hasMore: items.length > (page + 1) * size };
}

export function Badge({ tone, children }: { tone: string; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

/** A chart's options; a function of the chart's width (px) lays labels out for a phone or a desk. */
export type ChartOption = echarts.EChartsCoreOption | ((width: number) => echarts.EChartsCoreOption);

/** Below this width a chart is on a phone: labels wrap narrower, legends replace outside labels. */
export const NARROW_CHART = 480;

/**
 * An ECharts chart that follows its box's width (a ResizeObserver, not only the window), so labels
 * are laid out again for the width they get; `label` is read by screen readers, and a table
 * beside it carries the numbers.
 */
export function Chart({ option, label, height = 280 }: { option: ChartOption; label: string; height?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts>(undefined);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    chart.current = echarts.init(element, undefined, { renderer: 'canvas' });
    setWidth(element.clientWidth);
    const observer = new ResizeObserver(() => {
      chart.current?.resize();
      setWidth(element.clientWidth);
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.current?.dispose();
    };
  }, []);
  useEffect(() => {
    if (width === 0) return;
    chart.current?.setOption(typeof option === 'function' ? option(width) : option, true);
  }, [option, width]);
  return <div ref={ref} className="chart" role="img" aria-label={label} style={{ height }} />;
}

/**
 * A date or a date and time, in Beijing time and the reader's language, as one unbreakable value
 * (`<time>`, white-space: nowrap): never "2027-01-" on one line and "06" on the next.
 */
export function When({ at, date }: { at?: string | null; date?: string | null }) {
  const { locale } = useI18n();
  const value = at ?? date;
  if (!value) return <span className="date">—</span>;
  return <time className="date" dateTime={value}>{at !== undefined ? formatDateTime(value, locale) : formatDate(value, locale)}</time>;
}

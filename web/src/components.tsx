import { type ReactNode, useEffect, useId, useRef } from 'react';
import { BarChart, PieChart, RadarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, RadarComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { ApiError } from './api/client.js';
import { useI18n, type Translate } from './i18n.js';

echarts.use([BarChart, PieChart, RadarChart, GridComponent, LegendComponent, RadarComponent, TooltipComponent, CanvasRenderer]);

/** An API error in words, for the place that caused it. */
export function errorText(t: Translate, error: ApiError): string {
  if (error.code === 'network') return t('error_network');
  if (error.status === 403) return `${t('error_forbidden')} (${error.message})`;
  if (error.status === 401) return t('error_unauthorized');
  return error.message;
}

export function ErrorNote({ error, onRetry }: { error: ApiError | undefined; onRetry?: () => void }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <p className="note error" role="alert">
      {errorText(t, error)}
      {onRetry ? <> <button type="button" className="link" onClick={onRetry}>{t('retry')}</button></> : null}
    </p>
  );
}

/** The error for one field, shown under it and tied to it with aria-describedby. */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return <span id={id} className="field-error" role="alert">{message}</span>;
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

/** An ECharts chart; `label` is read by screen readers, and a table beside it carries the numbers. */
export function Chart({ option, label, height = 280 }: { option: echarts.EChartsCoreOption; label: string; height?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts>(undefined);
  useEffect(() => {
    if (!ref.current) return undefined;
    chart.current = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    const resize = () => chart.current?.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.current?.dispose();
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);
  return <div ref={ref} className="chart" role="img" aria-label={label} style={{ height }} />;
}

import { useId, useState } from 'react';
import { api, unwrap, type Answer } from './api/client.js';
import { ErrorNote } from './components.js';
import { usePolled } from './hooks.js';
import { localized, useI18n } from './i18n.js';

// Pickers for people and stations that search on the server (GET /api/workers?q=…, paginated), so
// a district with thousands of workers is searched whole, not the first page of it.

export type WorkerRow = Answer<'/api/workers'>['items'][number];
export type CommunityRow = Answer<'/api/communities'>['items'][number];

const PICK_PAGE = 10;

/** Chosen workers as removable chips, and a search that adds more. */
export function WorkerPicker({ label, chosen, onChange, error, position }: {
  label: string;
  chosen: Array<{ id: string; name: string }>;
  onChange(next: Array<{ id: string; name: string }>): void;
  error?: string;
  position?: 'social_worker';
}) {
  const { t } = useI18n();
  const id = useId();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(0);
  const search = q.trim();
  const found = usePolled(
    search ? () => unwrap(api.GET('/api/workers', { params: { query: { q: search, limit: PICK_PAGE + 1, offset: page * PICK_PAGE, ...(position ? { position } : {}) } } })) : null,
    `workers:${search}:${page}`, 60_000,
  );
  const taken = new Set(chosen.map((worker) => worker.id));
  const rows = (found.data?.items ?? []).slice(0, PICK_PAGE);
  return (
    <fieldset className="picker" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{label}</legend>
      {chosen.length > 0 ? (
        <ul className="chips" aria-label={t('chosen')}>
          {chosen.map((worker) => (
            <li key={worker.id}>
              <button type="button" className="chip" onClick={() => onChange(chosen.filter((other) => other.id !== worker.id))} aria-label={t('remove_named', { name: worker.name })}>
                {worker.name} <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <label htmlFor={`${id}-q`} className="inline-label">{t('search_workers')}</label>
      <input id={`${id}-q`} type="search" value={q} placeholder={t('search_workers_hint')} onChange={(event) => { setQ(event.target.value); setPage(0); }} aria-invalid={error ? true : undefined} />
      {error ? <span id={`${id}-error`} className="field-error" role="alert">{error}</span> : null}
      {found.error ? <ErrorNote error={found.error} /> : null}
      {search && found.data ? (
        rows.length === 0 ? <p className="muted">{t('empty')}</p> : (
          <ul className="pick-list">
            {rows.map((worker) => (
              <li key={worker.id}>
                <button type="button" disabled={taken.has(worker.id)} onClick={() => onChange([...chosen, { id: worker.id, name: worker.name }])}>
                  {t('add_named', { name: worker.name })}
                </button>
              </li>
            ))}
          </ul>
        )
      ) : null}
      {search && (page > 0 || (found.data?.items.length ?? 0) > PICK_PAGE) ? (
        <div className="buttons">
          <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>{t('prev_page')}</button>
          <button type="button" disabled={(found.data?.items.length ?? 0) <= PICK_PAGE} onClick={() => setPage(page + 1)}>{t('next_page')}</button>
        </div>
      ) : null}
    </fieldset>
  );
}

/** Operating stations to choose from, searched on the server. */
export function StationPicker({ label, chosen, onChange, error }: {
  label: string;
  chosen: string[];
  onChange(next: string[]): void;
  error?: string;
}) {
  const { t, locale } = useI18n();
  const id = useId();
  const [q, setQ] = useState('');
  const search = q.trim();
  const communities = usePolled(() => unwrap(api.GET('/api/communities', { params: { query: search ? { q: search } : {} } })), `stations:${search}`, 60_000);
  const operating = (communities.data?.items ?? []).filter((community) => community.station?.status === 'operating');
  const toggle = (communityId: string, on: boolean) => onChange(on ? [...chosen, communityId] : chosen.filter((other) => other !== communityId));
  return (
    <fieldset className="picker" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{label}</legend>
      <label htmlFor={`${id}-q`} className="inline-label">{t('search_stations')}</label>
      <input id={`${id}-q`} type="search" value={q} onChange={(event) => setQ(event.target.value)} />
      {error ? <span id={`${id}-error`} className="field-error" role="alert">{error}</span> : null}
      {communities.error ? <ErrorNote error={communities.error} /> : null}
      <ul className="check-list">
        {operating.map((community) => (
          <li key={community.id}>
            <label className="inline">
              <input type="checkbox" checked={chosen.includes(community.id)} onChange={(event) => toggle(community.id, event.target.checked)} />
              {localized(locale, community.name)}
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

import { useState } from 'react';
import { api, unwrap, type Answer } from '../api/client.js';
import { Badge, ErrorNote, Loadable, Section } from '../components.js';
import { ConfirmAction } from '../confirm.js';
import { useAction, usePolled } from '../hooks.js';
import { localized, translateKey, useI18n } from '../i18n.js';
import { linkProps, navigate } from '../router.js';
import { can, type SessionInfo } from '../session.js';
import { formatDateTime, localInputToIso } from '../time.js';

// Resource requests (资源链接): every role sees the counts; station leads open their station's
// requests and record the delivery; the center's supervisors match parties or resources, record
// each answer and cancel. One request's page holds its matches, actions and record.

type RequestDetail = Answer<'/api/resource-requests/{requestId}'>;
type MatchKind = RequestDetail['matches'][number]['kind'];
const MATCH_KINDS: readonly MatchKind[] = ['social_org', 'volunteer', 'resource', 'station', 'other'];
const THEMES = ['elderly', 'youth', 'community_governance', 'disabled', 'poverty_relief'] as const;
const PHASE_TONE: Record<string, string> = { open: 'warn', matched: 'info', confirmed: 'info', delivered: 'ok', closed: 'muted', cancelled: 'muted' };
const LIVE = new Set(['open', 'matched', 'confirmed']);

export function RequestsPage({ session, requestId }: { session: SessionInfo; requestId?: string }) {
  if (requestId && can(session, 'requests.view')) return <RequestPage key={requestId} session={session} requestId={requestId} />;
  return (
    <div className="stack">
      <Summary />
      {can(session, 'requests.view') ? <RequestList /> : null}
      {can(session, 'requests.view') ? <OpenRequestForm /> : null}
    </div>
  );
}

function Summary() {
  const { t } = useI18n();
  const summary = usePolled(() => unwrap(api.GET('/api/resource-requests/summary')), 'request-summary');
  return (
    <Section title={t('request_summary')}>
      <Loadable state={summary}>
        {(data) => (
          <div className="stack">
            <p><strong>{t('request_total')}</strong> {data.total} · <strong>{t('request_overdue')}</strong> {data.overdue}</p>
            <table>
              <caption>{t('request_by_phase')}</caption>
              <tbody>{data.byPhase.map((row) => <tr key={row.phase}><th scope="row">{translateKey(t, 'request_phase', row.phase)}</th><td>{row.count}</td></tr>)}</tbody>
            </table>
            {data.byTheme.length > 0 ? (
              <table>
                <caption>{t('request_by_theme')}</caption>
                <tbody>{data.byTheme.map((row) => <tr key={row.theme}><th scope="row">{translateKey(t, 'venture_theme', row.theme)}</th><td>{row.count}</td></tr>)}</tbody>
              </table>
            ) : null}
          </div>
        )}
      </Loadable>
    </Section>
  );
}

function RequestList() {
  const { t, locale } = useI18n();
  const requests = usePolled(() => unwrap(api.GET('/api/resource-requests')), 'resource-requests');
  return (
    <Section title={t('resource_requests')}>
      <Loadable state={requests} empty={(data) => data.items.length === 0}>
        {(data) => (
          <table>
            <thead><tr>
              <th scope="col">{t('request_need')}</th><th scope="col">{t('request_station')}</th><th scope="col">{t('theme')}</th>
              <th scope="col">{t('request_quantity')}</th><th scope="col">{t('request_needed_by')}</th><th scope="col">{t('status')}</th>
            </tr></thead>
            <tbody>
              {data.items.map((item) => (
                <tr key={item.id} data-request={item.id}>
                  <td><a {...linkProps(`/requests/${encodeURIComponent(item.id)}`)}>{item.need}</a></td>
                  <td>{localized(locale, item.communityName)}</td>
                  <td>{translateKey(t, 'venture_theme', item.theme)}</td>
                  <td>{item.quantity} {item.unit}</td>
                  <td>{formatDateTime(item.neededBy, locale)}</td>
                  <td><Badge tone={PHASE_TONE[item.phase] ?? 'info'}>{translateKey(t, 'request_phase', item.phase)}</Badge></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loadable>
    </Section>
  );
}

function OpenRequestForm() {
  const { t, locale } = useI18n();
  const communities = usePolled(() => unwrap(api.GET('/api/communities')), 'request-stations', 60_000);
  const stations = (communities.data?.items ?? []).filter((community) => community.station?.status === 'operating');
  const open = useAction();
  const [form, setForm] = useState({ communityId: '', theme: 'elderly' as (typeof THEMES)[number], need: '', quantity: '1', unit: '', neededBy: '', matchBy: '' });
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) => setForm({ ...form, [name]: event.target.value });
  const communityId = form.communityId || stations[0]?.id || '';
  return (
    <Section title={t('open_request')}>
      <form className="stack" onSubmit={(event) => {
        event.preventDefault();
        void open.run(() => unwrap(api.POST('/api/resource-requests', {
          body: {
            communityId, theme: form.theme, need: form.need, quantity: Number(form.quantity), unit: form.unit, neededBy: localInputToIso(form.neededBy),
            ...(form.matchBy ? { matchBy: localInputToIso(form.matchBy) } : {}),
          },
        }))).then((request) => request && navigate(`/requests/${encodeURIComponent(request.id)}`));
      }}>
        <label>{t('request_station')}
          <select name="communityId" value={communityId} onChange={set('communityId')} required>
            {stations.map((station) => <option key={station.id} value={station.id}>{localized(locale, station.name)}</option>)}
          </select>
        </label>
        <label>{t('theme')}
          <select name="theme" value={form.theme} onChange={set('theme')}>
            {THEMES.map((theme) => <option key={theme} value={theme}>{translateKey(t, 'venture_theme', theme)}</option>)}
          </select>
        </label>
        <label>{t('request_need')}<textarea name="need" rows={3} maxLength={2000} value={form.need} onChange={set('need')} required /></label>
        <label>{t('request_quantity')}<input name="quantity" type="number" min={1} value={form.quantity} onChange={set('quantity')} required /></label>
        <label>{t('request_unit')}<input name="unit" maxLength={20} value={form.unit} onChange={set('unit')} required /></label>
        <label>{t('request_needed_by')}<input name="neededBy" type="datetime-local" value={form.neededBy} onChange={set('neededBy')} required /></label>
        <label>{t('request_match_by')}<input name="matchBy" type="datetime-local" value={form.matchBy} onChange={set('matchBy')} /></label>
        <p className="muted">{t('request_match_by_hint')}</p>
        <button type="submit" className="primary" disabled={open.running || !communityId}>{t('open_request')}</button>
        <ErrorNote error={open.error} withFields />
      </form>
    </Section>
  );
}

function RequestPage({ session, requestId }: { session: SessionInfo; requestId: string }) {
  const { t, locale } = useI18n();
  const request = usePolled(() => unwrap(api.GET('/api/resource-requests/{requestId}', { params: { path: { requestId } } })), `request:${requestId}`);
  const center = can(session, 'requests.match');
  return (
    <Loadable state={request}>
      {(data) => (
        <div className="stack">
          <Section title={data.need} actions={<a {...linkProps('/requests')}>{t('resource_requests')}</a>}>
            <p>
              <Badge tone={PHASE_TONE[data.phase] ?? 'info'}>{translateKey(t, 'request_phase', data.phase)}</Badge>{' '}
              {localized(locale, data.communityName)} · {translateKey(t, 'venture_theme', data.theme)} · {data.quantity} {data.unit}
            </p>
            <p>{t('request_match_by')} {formatDateTime(data.matchBy, locale)} · {t('request_needed_by')} {formatDateTime(data.neededBy, locale)} · {t('request_opened_by')} {data.openedBy}</p>
            {data.delivery ? (
              <p data-delivery>{t('delivered_at')} {formatDateTime(data.delivery.at, locale)}：{data.delivery.note}{data.delivery.link ? <> · <a href={data.delivery.link} rel="noreferrer noopener" target="_blank">{data.delivery.link}</a></> : null}</p>
            ) : null}
            {data.cancelReason ? <p>{translateKey(t, 'request_phase', 'cancelled')}：{data.cancelReason}</p> : null}
            {data.phase === 'closed' && data.closeNote ? <p>{t('close_note')}：{data.closeNote}</p> : null}
            <StationActions request={data} onChange={request.reload} />
            {center && LIVE.has(data.phase) ? <CancelRequest request={data} onChange={request.reload} /> : null}
          </Section>
          <Matches request={data} center={center} onChange={request.reload} />
          {center && LIVE.has(data.phase) ? <AddMatch request={data} onChange={request.reload} /> : null}
          {data.events.length > 0 ? (
            <Section title={t('request_events')}>
              <ul className="list">{data.events.map((event) => <li key={event.step}>{formatDateTime(event.at, locale)} · {translateKey(t, 'request_event', event.step.split(':')[0]!.replace('-', '_'))}{event.actor ? ` · ${event.actor}` : ''}</li>)}</ul>
            </Section>
          ) : null}
        </div>
      )}
    </Loadable>
  );
}

function StationActions({ request, onChange }: { request: RequestDetail; onChange(): void }) {
  const { t } = useI18n();
  const act = useAction();
  const path = { params: { path: { requestId: request.id } } };
  if (request.phase === 'confirmed') {
    return (
      <ConfirmAction
        label={t('record_delivery')} title={t('record_delivery_title')} confirmLabel={t('record_delivery')} tone="primary"
        consequence={<p>{t('record_delivery_consequence')}</p>}
        reason={{ label: t('delivery_evidence'), required: true, field: 'note' }} links={{ label: t('delivery_links') }}
        error={act.error} running={act.running}
        onConfirm={async ({ reason, links }) => {
          const done = await act.run(() => unwrap(api.POST('/api/resource-requests/{requestId}/deliver', { ...path, body: { note: reason, ...(links[0] ? { link: links[0] } : {}) } })));
          if (done) onChange();
          return done !== undefined;
        }}
      />
    );
  }
  if (request.phase === 'delivered') {
    return (
      <ConfirmAction
        label={t('close_request')} title={t('close_request_title')} confirmLabel={t('close_request')} tone="primary"
        consequence={<p>{t('close_request_consequence')}</p>}
        reason={{ label: t('close_note'), required: false, field: 'note' }}
        error={act.error} running={act.running}
        onConfirm={async ({ reason }) => {
          const done = await act.run(() => unwrap(api.POST('/api/resource-requests/{requestId}/close', { ...path, body: { note: reason } })));
          if (done) onChange();
          return done !== undefined;
        }}
      />
    );
  }
  return null;
}

function CancelRequest({ request, onChange }: { request: RequestDetail; onChange(): void }) {
  const { t } = useI18n();
  const cancel = useAction();
  return (
    <ConfirmAction
      label={t('cancel_request')} title={t('cancel_request_title')} confirmLabel={t('cancel_request')} tone="danger"
      consequence={<p>{t('cancel_request_consequence')}</p>}
      reason={{ label: t('confirm_reason'), required: true }}
      error={cancel.error} running={cancel.running}
      onConfirm={async ({ reason }) => {
        const done = await cancel.run(() => unwrap(api.POST('/api/resource-requests/{requestId}/cancel', { params: { path: { requestId: request.id } }, body: { reason } })));
        if (done) onChange();
        return done !== undefined;
      }}
    />
  );
}

function Matches({ request, center, onChange }: { request: RequestDetail; center: boolean; onChange(): void }) {
  const { t } = useI18n();
  const answer = useAction();
  const respond = (matchId: string, response: 'confirmed' | 'declined') => async ({ reason }: { reason: string }) => {
    const done = await answer.run(() => unwrap(api.POST('/api/resource-requests/{requestId}/matches/{matchId}/answer', {
      params: { path: { requestId: request.id, matchId } }, body: { response, note: reason },
    })));
    if (done) onChange();
    return done !== undefined;
  };
  return (
    <Section title={t('request_matches')}>
      <p className="muted">{t('match_registry_note')}</p>
      {request.matches.length === 0 ? <p className="muted">{t('no_matches')}</p> : (
        <ul className="tasks">
          {request.matches.map((match) => (
            <li key={match.matchId} className="task" data-match={match.matchId}>
              <div className="task-head">
                <strong>{match.name}</strong>
                <span className="muted">{translateKey(t, 'match_kind', match.kind)}{match.ref ? ` · ${match.ref}` : ''}{match.quantity !== null ? ` · ${match.quantity} ${request.unit}` : ''}</span>
                <Badge tone={match.status === 'confirmed' ? 'ok' : match.status === 'declined' ? 'muted' : 'info'}>{translateKey(t, 'match_status', match.status)}</Badge>
              </div>
              {match.note ? <p className="muted">{match.note}</p> : null}
              {center && match.status === 'proposed' && LIVE.has(request.phase) ? (
                <span className="buttons">
                  <ConfirmAction
                    label={t('confirm_match')} title={t('confirm_match_title', { name: match.name })} confirmLabel={t('confirm_match')} tone="primary"
                    consequence={<p>{t('confirm_match_consequence')}</p>} reason={{ label: t('answer_note'), required: false, field: 'note' }}
                    error={answer.error} running={answer.running} onConfirm={respond(match.matchId, 'confirmed')}
                  />
                  <ConfirmAction
                    label={t('decline_match')} title={t('decline_match_title', { name: match.name })} confirmLabel={t('decline_match')} tone="danger"
                    consequence={<p>{t('decline_match_consequence')}</p>} reason={{ label: t('confirm_reason'), required: true, field: 'note' }}
                    error={answer.error} running={answer.running} onConfirm={respond(match.matchId, 'declined')}
                  />
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function AddMatch({ request, onChange }: { request: RequestDetail; onChange(): void }) {
  const { t } = useI18n();
  const add = useAction();
  const [form, setForm] = useState({ kind: 'social_org' as MatchKind, name: '', ref: '', quantity: '' });
  return (
    <Section title={t('add_match')}>
      <form className="actions" aria-label={t('add_match')} onSubmit={(event) => {
        event.preventDefault();
        void add.run(() => unwrap(api.POST('/api/resource-requests/{requestId}/matches', {
          params: { path: { requestId: request.id } },
          body: { matches: [{ kind: form.kind, name: form.name, ref: form.ref, ...(form.quantity ? { quantity: Number(form.quantity) } : {}) }] },
        }))).then((done) => {
          if (!done) return;
          setForm({ ...form, name: '', ref: '', quantity: '' });
          onChange();
        });
      }}>
        <label>{t('match_kind')}
          <select name="kind" value={form.kind} onChange={(event) => setForm({ ...form, kind: event.target.value as MatchKind })}>
            {MATCH_KINDS.map((kind) => <option key={kind} value={kind}>{translateKey(t, 'match_kind', kind)}</option>)}
          </select>
        </label>
        <label>{t('match_name')}<input name="name" maxLength={120} value={form.name} onChange={(event) => setForm({ ...form, name: event.target.value })} required /></label>
        <label>{t('match_ref')}<input name="ref" maxLength={200} value={form.ref} onChange={(event) => setForm({ ...form, ref: event.target.value })} /></label>
        <label>{t('request_quantity')}<input name="matchQuantity" type="number" min={1} value={form.quantity} onChange={(event) => setForm({ ...form, quantity: event.target.value })} /></label>
        <button type="submit" className="primary" disabled={add.running}>{t('add_match')}</button>
        <ErrorNote error={add.error} withFields />
      </form>
    </Section>
  );
}

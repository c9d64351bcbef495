import { type FormEvent, useState } from 'react';
import { api, unwrap, type Answer, type Query } from '../api/client.js';
import { Field, Loadable, Pager, Section, When } from '../components.js';
import { usePolled } from '../hooks.js';
import { translateKey, useI18n } from '../i18n.js';
import { nameOf } from '../names.js';
import { localInputToIso } from '../time.js';

// The audit log for admins: what the accounts scoped in their subtree did, newest first, filtered
// by actor, action, record, record id and a time window (Beijing time), a page at a time. The API
// scopes it (a street's admin sees the street's actors only) and audits every read, so the page
// reads it when asked, never on a timer.

type Entry = Answer<'/api/audit'>['items'][number];
type Filters = { actor: string; action: string; entity: string; entityId: string; since: string; until: string };

const PAGE = 25;
const REFRESH_MS = 3_600_000;
const EMPTY: Filters = { actor: '', action: '', entity: '', entityId: '', since: '', until: '' };
// The actions and records the service writes, offered as choices; the API takes any text.
const ACTIONS = [
  'create', 'read', 'import', 'launch', 'start', 'open', 'cancel', 'pause', 'resume', 'reschedule', 'replan', 'move', 'move_session', 'save', 'write',
  'sign_off', 'send_back', 'record_visit', 'record_attendance', 'record_assessment', 'evaluate', 'revoke', 'detach', 'sign_in', 'sign_out',
  'reset_password', 'unlock', 'end_sessions', 'seed', 'trigger',
];
const ENTITIES = [
  'api_token', 'user', 'session', 'calendar_feed', 'station_plan', 'rollout', 'rollout_milestone', 'training_cycle', 'venture_project', 'service_record', 'notification', 'inbox',
];

export function AuditPage() {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  const [page, setPage] = useState(0);
  const query: Query<'/api/audit'> = { limit: PAGE + 1, offset: page * PAGE };
  if (applied.actor.trim()) query.actor = applied.actor.trim();
  if (applied.action) query.action = applied.action;
  if (applied.entity) query.entity = applied.entity;
  if (applied.entityId.trim()) query.entityId = applied.entityId.trim();
  if (applied.since) query.since = localInputToIso(applied.since);
  if (applied.until) query.until = localInputToIso(applied.until);
  const log = usePolled(() => unwrap(api.GET('/api/audit', { params: { query } })), `audit:${JSON.stringify(query)}`, REFRESH_MS);
  // The communities' names, for entries about a community and actors scoped to one.
  usePolled(() => unwrap(api.GET('/api/communities')), 'communities', REFRESH_MS);
  const problem = (field: string) => log.error?.fieldMessage(field);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setPage(0);
    if (JSON.stringify(draft) === JSON.stringify(applied)) log.reload();
    else setApplied(draft);
  };
  const set = (field: keyof Filters) => (event: { target: { value: string } }) => setDraft({ ...draft, [field]: event.target.value });
  return (
    <Section title={t('audit_title')}>
      <p className="muted">{t('audit_intro')}</p>
      <form className="form columns" aria-label={t('filter')} onSubmit={submit} noValidate>
        <Field label={t('audit_actor')} error={problem('actor')}><input name="actor" value={draft.actor} onChange={set('actor')} autoComplete="off" /></Field>
        <Field label={t('audit_action')} error={problem('action')}>
          <select name="action" value={draft.action} onChange={set('action')}>
            <option value="">{t('all')}</option>
            {ACTIONS.map((action) => <option key={action} value={action}>{translateKey(t, 'audit_action', action)}</option>)}
          </select>
        </Field>
        <Field label={t('audit_entity')} error={problem('entity')}>
          <select name="entity" value={draft.entity} onChange={set('entity')}>
            <option value="">{t('all')}</option>
            {ENTITIES.map((entity) => <option key={entity} value={entity}>{translateKey(t, 'audit_entity', entity)}</option>)}
          </select>
        </Field>
        <Field label={t('audit_entity_id')} error={problem('entityId')}><input name="entityId" value={draft.entityId} onChange={set('entityId')} autoComplete="off" /></Field>
        <Field label={t('audit_since')} error={problem('since')}><input name="since" type="datetime-local" value={draft.since} onChange={set('since')} /></Field>
        <Field label={t('audit_until')} error={problem('until')}><input name="until" type="datetime-local" value={draft.until} onChange={set('until')} /></Field>
        <div className="buttons">
          <button type="submit" className="primary">{t('audit_apply')}</button>
          <button type="button" onClick={() => { setDraft(EMPTY); setApplied(EMPTY); setPage(0); }}>{t('audit_clear')}</button>
        </div>
      </form>
      <Loadable state={log}>
        {(data) => (
          <>
            {data.items.length === 0 ? <p className="note empty">{t('audit_none')}</p> : (
              <ul className="audit">
                {data.items.slice(0, PAGE).map((entry) => <AuditItem key={entry.id} entry={entry} />)}
              </ul>
            )}
            <Pager page={page} hasMore={data.items.length > PAGE} onPage={setPage} />
          </>
        )}
      </Loadable>
    </Section>
  );
}

function AuditItem({ entry }: { entry: Entry }) {
  const { t, locale } = useI18n();
  // Reads of personal data name the route they went through (`/api/workers/:workerId`).
  const entity = entry.entity.startsWith('/') ? <code>{entry.entity}</code> : translateKey(t, 'audit_entity', entry.entity);
  const named = nameOf(entry.entityId, locale);
  const changed = (entry.before !== null && entry.before !== undefined) || (entry.after !== null && entry.after !== undefined);
  return (
    <li className="audit-entry" data-entry={entry.id} data-action={entry.action}>
      <div className="task-head">
        <strong>{translateKey(t, 'audit_action', entry.action)}</strong>
        <span>{entity}</span>
        <span className="muted"><When at={entry.at} /></span>
      </div>
      <p>
        {t('audit_actor')}: {entry.actor}
        {entry.scopeId ? <span className="muted"> · {nameOf(entry.scopeId, locale) ?? entry.scopeId}</span> : null}
      </p>
      {/* A read of a list is recorded with its query (shown with the changes), a read of one record with its ids. */}
      {entry.entityId.startsWith('?') || entry.entityId === '*' ? null : (
        <p>{t('audit_entity_id')}: {named ? <>{named} (<code>{entry.entityId}</code>)</> : <code>{entry.entityId}</code>}</p>
      )}
      {changed ? (
        <details>
          <summary>{t('audit_changes')}</summary>
          {entry.before !== null && entry.before !== undefined ? <><p className="muted">{t('audit_before')}</p><pre className="json">{JSON.stringify(entry.before, null, 2)}</pre></> : null}
          {entry.after !== null && entry.after !== undefined ? <><p className="muted">{t('audit_after')}</p><pre className="json">{JSON.stringify(entry.after, null, 2)}</pre></> : null}
        </details>
      ) : null}
    </li>
  );
}

import { type FormEvent, useState } from 'react';
import { api, unwrap, type Answer } from '../api/client.js';
import { Badge, ErrorNote, Field, Loadable, Pager, pageOf, Section, When } from '../components.js';
import { useAction, usePolled } from '../hooks.js';
import { useI18n } from '../i18n.js';
import { nameOf } from '../names.js';
import type { Role, SessionInfo } from '../session.js';
import { localInputToIso } from '../time.js';
import { ConfirmDialog, WorkerPicker } from '../widgets.js';

// API tokens for admins: those scoped in their subtree (never the secrets), a form that makes one
// and shows it once, and revoking one after asking.

type Token = Answer<'/api/tokens'>['items'][number];
type Status = 'active' | 'expired' | 'revoked';

const PAGE = 25;
const ROLES: Role[] = ['supervisor', 'station_lead', 'social_worker', 'viewer', 'admin'];
const STATUS_TONE: Record<Status, string> = { active: 'ok', expired: 'muted', revoked: 'bad' };

const statusOf = (token: Token, now = Date.now()): Status =>
  (token.revokedAt ? 'revoked' : token.expiresAt && Date.parse(token.expiresAt) <= now ? 'expired' : 'active');

export function TokensPage({ session }: { session: SessionInfo }) {
  const { t } = useI18n();
  const tokens = usePolled(() => unwrap(api.GET('/api/tokens')), 'tokens');
  // The communities' names, so a token scoped to a community shows it by name.
  usePolled(() => unwrap(api.GET('/api/communities')), 'communities', 120_000);
  const [page, setPage] = useState(0);
  const [revoking, setRevoking] = useState<Token>();
  const [revokedName, setRevokedName] = useState<string>();
  const revoke = useAction();
  return (
    <div className="stack">
      <CreateToken scopeId={session.principal.scopeId} onCreated={tokens.reload} />
      <Section title={t('tokens_title')}>
        <p className="muted">{t('tokens_intro')}</p>
        {revokedName ? <p className="note" role="status">{t('token_revoked_note', { name: revokedName })}</p> : null}
        <ErrorNote error={revoke.error} />
        <Loadable state={tokens}>
          {(data) => {
            if (data.items.length === 0) return <p className="note empty">{t('tokens_none')}</p>;
            // Newest first: the token just made is at the top.
            const newest = [...data.items].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
            const shown = pageOf(newest, page, PAGE);
            return (
              <>
                <ul className="tokens">
                  {shown.items.map((token) => <TokenItem key={token.id} token={token} onRevoke={() => { setRevokedName(undefined); setRevoking(token); }} />)}
                </ul>
                <Pager page={page} hasMore={shown.hasMore} onPage={setPage} />
              </>
            );
          }}
        </Loadable>
      </Section>
      <ConfirmDialog open={revoking !== undefined} title={t('token_revoke_title', { name: revoking?.name ?? '' })} confirmLabel={t('token_revoke_confirm')} danger busy={revoke.running}
        onClose={() => setRevoking(undefined)}
        onConfirm={() => {
          const token = revoking;
          if (!token) return;
          void revoke.run(() => unwrap(api.POST('/api/tokens/{tokenId}/revoke', { params: { path: { tokenId: token.id } } }))).then((done) => {
            setRevoking(undefined);
            if (done) {
              setRevokedName(token.name);
              tokens.reload();
            }
          });
        }}>
        <p>{t('token_revoke_body')}</p>
      </ConfirmDialog>
    </div>
  );
}

function TokenItem({ token, onRevoke }: { token: Token; onRevoke(): void }) {
  const { t, locale } = useI18n();
  const status = statusOf(token);
  const worker = token.workerId ? nameOf(token.workerId, locale) ?? token.workerId : undefined;
  return (
    <li className="token" data-token={token.id} data-status={status}>
      <div className="task-head">
        <strong>{token.name}</strong>
        <Badge tone={STATUS_TONE[status]}>{t(`token_status_${status}`)}</Badge>
        <span>{t(`role_${token.role}`)}</span>
      </div>
      <p className="muted">
        {t('scope')}: {nameOf(token.scopeId, locale) ?? token.scopeId}
        {worker ? <> · {t('token_worker')}: {worker}</> : null}
      </p>
      <p className="muted">
        {t('token_expires_at')}: {token.expiresAt ? <When at={token.expiresAt} /> : t('token_no_expiry')}
        {' · '}{t('token_last_used')}: {token.lastUsedAt ? <When at={token.lastUsedAt} /> : t('token_never')}
      </p>
      {status === 'active' ? <button type="button" className="danger" onClick={onRevoke}>{t('token_revoke')}</button> : null}
    </li>
  );
}

function CreateToken({ scopeId, onCreated }: { scopeId: string; onCreated(): void }) {
  const { t } = useI18n();
  const [form, setForm] = useState({ name: '', role: 'supervisor' as Role, scopeId, workerId: '', expiresAt: '' });
  const [created, setCreated] = useState<{ name: string; token: string }>();
  const action = useAction();
  const problem = (field: string) => action.error?.fieldMessage(field);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setCreated(undefined);
    const answer = await action.run(() => unwrap(api.POST('/api/tokens', {
      body: {
        name: form.name.trim(), role: form.role, scopeId: form.scopeId.trim(),
        workerId: form.workerId || null, expiresAt: form.expiresAt ? localInputToIso(form.expiresAt) : null,
      },
    })));
    if (answer) {
      setCreated({ name: form.name.trim(), token: answer.token });
      setForm({ ...form, name: '', workerId: '', expiresAt: '' });
      onCreated();
    }
  };
  const fieldProblems = ['name', 'role', 'scopeId', 'workerId', 'expiresAt'].some((field) => problem(field));
  return (
    <Section title={t('token_create')}>
      {created ? (
        <div className="note" role="status" data-testid="new-token">
          <p>{t('token_created_once', { name: created.name })}</p>
          <p><code className="secret">{created.token}</code></p>
          <button type="button" onClick={() => setCreated(undefined)}>{t('token_copy_done')}</button>
        </div>
      ) : null}
      <form className="form columns" onSubmit={(event) => void submit(event)} noValidate>
        <Field label={t('token_name')} error={problem('name')}>
          <input name="name" value={form.name} onChange={(event) => setForm({ ...form, name: event.target.value })} autoComplete="off" />
        </Field>
        <Field label={t('token_role')} error={problem('role')}>
          <select name="role" value={form.role} onChange={(event) => setForm({ ...form, role: event.target.value as Role })}>
            {ROLES.map((role) => <option key={role} value={role}>{t(`role_${role}`)}</option>)}
          </select>
        </Field>
        <Field label={t('token_scope')} error={problem('scopeId')}>
          <input name="scopeId" value={form.scopeId} onChange={(event) => setForm({ ...form, scopeId: event.target.value })} autoComplete="off" />
        </Field>
        <WorkerPicker id="token-worker" label={t('token_worker')} value={form.workerId} onChange={(workerId) => setForm({ ...form, workerId })} error={problem('workerId')} />
        <Field label={t('token_expires')} error={problem('expiresAt')}>
          <input name="expiresAt" type="datetime-local" value={form.expiresAt} onChange={(event) => setForm({ ...form, expiresAt: event.target.value })} />
        </Field>
        <button type="submit" className="primary" disabled={action.running}>{t('token_create')}</button>
        {action.error && !fieldProblems ? <ErrorNote error={action.error} /> : null}
      </form>
    </Section>
  );
}

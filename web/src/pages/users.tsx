import { type FormEvent, useState } from 'react';
import { api, unwrap, type Body } from '../api/client.js';
import { Badge, ErrorNote, FieldError, Loadable, Pager, Section, When } from '../components.js';
import { useAction, usePolled } from '../hooks.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { nameOf } from '../names.js';
import type { Role, SessionInfo } from '../session.js';
import { WorkerPicker } from '../widgets.js';

const PAGE = 25;
const ROLES: Role[] = ['supervisor', 'station_lead', 'social_worker', 'viewer', 'admin'];

/** The create-user form: the body of `POST /api/users`, with an empty workerId for none. */
type Form = Required<Pick<Body<'/api/users'>, 'username' | 'displayName' | 'password' | 'role' | 'scopeId'>> & { workerId: string };

/** What the last action on a user said: a generated password (shown once) or how many sessions ended. */
type Notice = { kind: 'password'; username: string; password: string } | { kind: 'sessions'; username: string; ended: number };

export function UsersPage({ session }: { session: SessionInfo }) {
  const { t, locale } = useI18n();
  const [page, setPage] = useState(0);
  const users = usePolled(() => unwrap(api.GET('/api/users', { params: { query: { limit: PAGE + 1, offset: page * PAGE } } })), `users:${page}`);
  const action = useAction();
  const [notice, setNotice] = useState<Notice>();
  /** Runs an action on a user; `null` means done with nothing to show, a failure shows in the error note. */
  const act = async (work: () => Promise<Notice | null>) => {
    setNotice(undefined);
    const done = await action.run(work);
    if (done === undefined) return;
    users.reload();
    if (done) setNotice(done);
  };
  return (
    <div className="stack">
      <CreateUser scopeId={session.principal.scopeId} onCreated={users.reload} />
      <Section title={t('users')}>
        <Loadable state={users}>
          {(data) => {
            const rows = data.items;
            return (
              <>
                {notice?.kind === 'password' ? (
                  <p className="note" role="status" data-testid="new-password">
                    {t('new_password_once', { user: notice.username })} <code>{notice.password}</code>
                  </p>
                ) : null}
                {notice?.kind === 'sessions' ? <p className="note" role="status">{t('sessions_ended', { user: notice.username, n: notice.ended })}</p> : null}
                <table className="table">
                  <thead><tr><th scope="col">{t('username')}</th><th scope="col">{t('display_name')}</th><th scope="col">{t('role_and_status')}</th><th scope="col">{t('scope')}</th><th scope="col">{t('sign_in')}</th><th scope="col">{t('actions')}</th></tr></thead>
                  <tbody>
                    {rows.slice(0, PAGE).map((user) => {
                      const locked = user.lockedUntil !== null && Date.parse(user.lockedUntil) > Date.now();
                      const path = { params: { path: { userId: user.id } } };
                      const self = session.user?.id === user.id;
                      const ended = (count: number): Notice => ({ kind: 'sessions', username: user.username, ended: count });
                      return (
                        <tr key={user.id}>
                          <td>{user.username}</td>
                          <td>{user.displayName}</td>
                          <td>
                            {t(`role_${user.role}`)}
                            {user.disabled ? <> <Badge tone="bad">{t('user_disabled')}</Badge></> : null}
                            {locked ? <> <Badge tone="bad">{t('locked')}</Badge></> : null}
                            {user.passwordChangeRequired ? <> <Badge tone="warn">{t('user_password_change_required')}</Badge></> : null}
                            {!user.workerId ? <> <Badge tone="warn">{t('user_no_worker')}</Badge></> : null}
                          </td>
                          <td>{nameOf(user.scopeId, locale) ?? user.scopeId}</td>
                          <td><When at={user.lastSignInAt} /></td>
                          <td>
                            {locked ? <button type="button" onClick={() => void act(async () => { await unwrap(api.POST('/api/users/{userId}/unlock', path)); return null; })}>{t('unlock')}</button> : null}
                            {user.disabled
                              ? <button type="button" onClick={() => void act(async () => { await unwrap(api.POST('/api/users/{userId}/enable', path)); return null; })}>{t('enable')}</button>
                              : <button type="button" disabled={self} onClick={() => void act(async () => ended((await unwrap(api.POST('/api/users/{userId}/disable', path))).endedSessions))}>{t('disable')}</button>}
                            <button type="button" onClick={() => void act(async () => {
                              const reset = await unwrap(api.POST('/api/users/{userId}/reset-password', path));
                              return { kind: 'password', username: user.username, password: reset.password };
                            })}>{t('reset_password')}</button>
                            <button type="button" onClick={() => void act(async () => ended((await unwrap(api.POST('/api/users/{userId}/sessions/end', path))).endedSessions))}>{t('end_sessions')}</button>
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
                <ErrorNote error={action.error} />
                <Pager page={page} hasMore={rows.length > PAGE} onPage={setPage} />
              </>
            );
          }}
        </Loadable>
      </Section>
    </div>
  );
}

function CreateUser({ scopeId, onCreated }: { scopeId: string; onCreated(): void }) {
  const { t } = useI18n();
  const [form, setForm] = useState<Form>({ username: '', displayName: '', password: '', role: 'supervisor', scopeId, workerId: '' });
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await action.run(() => unwrap(api.POST('/api/users', { body: { ...form, workerId: form.workerId || null } })));
    if (created) {
      setForm({ ...form, username: '', displayName: '', password: '', workerId: '' });
      onCreated();
    }
  };
  const field = (name: Exclude<keyof Form, 'role'>, label: MessageKey, type = 'text') => {
    const message = action.error?.fieldMessage(name);
    return (
      <label>
        {t(label)}
        <input name={name} type={type} value={form[name]} onChange={(event) => setForm({ ...form, [name]: event.target.value })}
          aria-invalid={message ? true : undefined} aria-describedby={message ? `user-${name}-error` : undefined} autoComplete={type === 'password' ? 'new-password' : 'off'} />
        <FieldError id={`user-${name}-error`} message={message} />
      </label>
    );
  };
  return (
    <Section title={t('create_user')}>
      <form className="form columns" onSubmit={(event) => void submit(event)} noValidate>
        {field('username', 'username')}
        {field('displayName', 'display_name')}
        {field('password', 'password', 'password')}
        <label>{t('user_role')}
          <select name="role" value={form.role} onChange={(event) => setForm({ ...form, role: event.target.value as Role })}>
            {ROLES.map((role) => <option key={role} value={role}>{t(`role_${role}`)}</option>)}
          </select>
        </label>
        {field('scopeId', 'scope')}
        <WorkerPicker id="workerId" label={t('user_worker')} value={form.workerId} onChange={(workerId) => setForm({ ...form, workerId })} error={action.error?.fieldMessage('workerId')} />
        {!form.workerId ? <p className="note" role="status" data-testid="no-worker-warning">{t('user_no_worker_warning')}</p> : null}
        <button type="submit" className="primary" disabled={action.running}>{t('submit')}</button>
        {action.error && action.error.details.length === 0 ? <ErrorNote error={action.error} /> : null}
      </form>
    </Section>
  );
}

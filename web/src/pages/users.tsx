import { type FormEvent, useState } from 'react';
import { api, unwrap, type Body } from '../api/client.js';
import { Badge, ErrorNote, FieldError, Loadable, Pager, Section } from '../components.js';
import { useAction, usePolled } from '../hooks.js';
import { useI18n, type MessageKey } from '../i18n.js';
import type { Role, SessionInfo } from '../session.js';
import { formatDateTime } from '../time.js';

const PAGE = 25;
const ROLES: Role[] = ['supervisor', 'station_lead', 'social_worker', 'viewer', 'admin'];

/** The create-user form: the body of `POST /api/users`, with an empty workerId for none. */
type Form = Required<Pick<Body<'/api/users'>, 'username' | 'displayName' | 'password' | 'role' | 'scopeId'>> & { workerId: string };

export function UsersPage({ session }: { session: SessionInfo }) {
  const { t, locale } = useI18n();
  const [page, setPage] = useState(0);
  const users = usePolled(() => unwrap(api.GET('/api/users', { params: { query: { limit: PAGE + 1, offset: page * PAGE } } })), `users:${page}`);
  const unlock = useAction();
  return (
    <div className="stack">
      <CreateUser scopeId={session.principal.scopeId} onCreated={users.reload} />
      <Section title={t('users')}>
        <Loadable state={users}>
          {(data) => {
            const rows = data.items;
            return (
              <>
                <table className="table">
                  <thead><tr><th scope="col">{t('username')}</th><th scope="col">{t('display_name')}</th><th scope="col">{t('status')}</th><th scope="col">{t('scope')}</th><th scope="col">{t('sign_in')}</th></tr></thead>
                  <tbody>
                    {rows.slice(0, PAGE).map((user) => {
                      const locked = user.lockedUntil !== null && Date.parse(user.lockedUntil) > Date.now();
                      const unlockUser = () => unwrap(api.POST('/api/users/{userId}/unlock', { params: { path: { userId: user.id } } }));
                      return (
                        <tr key={user.id}>
                          <td>{user.username}</td>
                          <td>{user.displayName}</td>
                          <td>{t(`role_${user.role}`)} {locked ? <><Badge tone="bad">{t('locked')}</Badge> <button type="button" onClick={() => void unlock.run(unlockUser).then((ok) => ok && users.reload())}>{t('unlock')}</button></> : null}</td>
                          <td>{user.scopeId}</td>
                          <td>{formatDateTime(user.lastSignInAt, locale)}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
                <ErrorNote error={unlock.error} />
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
        <label>{t('status')}
          <select name="role" value={form.role} onChange={(event) => setForm({ ...form, role: event.target.value as Role })}>
            {ROLES.map((role) => <option key={role} value={role}>{t(`role_${role}`)}</option>)}
          </select>
        </label>
        {field('scopeId', 'scope')}
        {field('workerId', 'worker_id')}
        <button type="submit" className="primary" disabled={action.running}>{t('submit')}</button>
        {action.error && action.error.details.length === 0 ? <ErrorNote error={action.error} /> : null}
      </form>
    </Section>
  );
}

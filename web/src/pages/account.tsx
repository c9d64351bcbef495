import { type FormEvent, useState } from 'react';
import { api, unwrap } from '../api/client.js';
import { ErrorNote, FieldError, Loadable, Section } from '../components.js';
import { useAction, usePolled } from '../hooks.js';
import { localized, translateKey, useI18n } from '../i18n.js';
import { nameOf } from '../names.js';
import { linkProps } from '../router.js';
import { can, type SessionInfo } from '../session.js';

/**
 * Who this sign-in is (`GET /api/me`): role, scope and the worker record it acts for, or that it
 * acts for none, so escalations, the inbox and the calendar feed cannot reach it.
 */
export function MyWorkerSection({ session }: { session: SessionInfo }) {
  const { t, locale } = useI18n();
  const me = usePolled(() => unwrap(api.GET('/api/me')), 'me', 300_000);
  return (
    <Section title={t('my_worker_record')} id="me">
      <Loadable state={me}>
        {(data) => (
          <>
            <dl className="facts" data-testid="my-record">
              <dt>{t('my_role')}</dt>
              <dd>{translateKey(t, 'role', data.role)}</dd>
              <dt>{t('my_scope')}</dt>
              <dd>{localized(locale, data.scope.name)}</dd>
              {data.worker ? (
                <>
                  <dt>{t('my_worker_name')}</dt>
                  <dd>{data.worker.name}</dd>
                  <dt>{t('my_worker_position')}</dt>
                  <dd>{translateKey(t, 'position', data.worker.position)}</dd>
                  <dt>{t('my_worker_community')}</dt>
                  <dd>{data.worker.communityId ? <a {...linkProps(`/communities/${encodeURIComponent(data.worker.communityId)}`)}>{nameOf(data.worker.communityId, locale) ?? data.worker.communityId}</a> : t('my_worker_no_community')}</dd>
                </>
              ) : null}
            </dl>
            {data.worker && can(session, 'worker.view')
              ? <p><a {...linkProps(`/workers/${encodeURIComponent(data.worker.id)}`)}>{t('my_worker_ladder')}</a></p>
              : null}
            {data.worker ? null : <p className="note" role="status" data-testid="account-no-worker">{t('account_no_worker')}</p>}
          </>
        )}
      </Loadable>
    </Section>
  );
}

/**
 * The signed-in user's own account: change the password (the current one is required). After an
 * admin reset it, this form is all the dashboard shows (`forced`) until it is changed.
 */
export function AccountPage({ session, forced = false, onChanged }: { session: SessionInfo; forced?: boolean; onChanged?: () => void }) {
  const { t } = useI18n();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [ended, setEnded] = useState<number>();
  const action = useAction();

  if (!session.user) return <Section title={t('change_password')}><p className="note">{t('account_without_password')}</p></Section>;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setEnded(undefined);
    const changed = await action.run(() => unwrap(api.POST('/api/auth/password', { body: { currentPassword, newPassword } })));
    if (changed) {
      setCurrentPassword('');
      setNewPassword('');
      setEnded(changed.endedSessions);
      onChanged?.();
    }
  };
  const currentError = action.error?.fieldMessage('currentPassword');
  const newError = action.error?.fieldMessage('newPassword');
  return (
    <Section title={t('change_password')}>
      {forced ? <p className="note" role="alert" data-testid="password-change-required">{t('password_change_required_note')}</p> : null}
      <form className="form" onSubmit={(event) => void submit(event)} noValidate aria-label={t('change_password')}>
        {/* The username lets password managers file the new password under the right account. */}
        <input type="text" name="username" autoComplete="username" value={session.user.username} readOnly hidden />
        <label>
          {t('current_password')}
          <input name="currentPassword" type="password" autoComplete="current-password" value={currentPassword} onChange={(event) => setCurrentPassword(event.target.value)}
            required aria-invalid={currentError ? true : undefined} aria-describedby={currentError ? 'current-password-error' : undefined} />
          <FieldError id="current-password-error" message={currentError} />
        </label>
        <label>
          {t('new_password')}
          <input name="newPassword" type="password" autoComplete="new-password" value={newPassword} onChange={(event) => setNewPassword(event.target.value)}
            required aria-invalid={newError ? true : undefined} aria-describedby={`new-password-rules${newError ? ' new-password-error' : ''}`} />
          <span id="new-password-rules">{t('password_rules')}</span>
          <FieldError id="new-password-error" message={newError} />
        </label>
        <button type="submit" className="primary" disabled={action.running}>{t('change_password')}</button>
        {action.error && !currentError && !newError ? <ErrorNote error={action.error} /> : null}
        {ended !== undefined ? <p className="note" role="status">{t('password_changed', { n: ended })}</p> : null}
      </form>
    </Section>
  );
}

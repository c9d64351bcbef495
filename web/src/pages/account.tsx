import { type FormEvent, useState } from 'react';
import { api, unwrap } from '../api/client.js';
import { ErrorNote, FieldError, Section } from '../components.js';
import { useAction } from '../hooks.js';
import { useI18n } from '../i18n.js';
import type { SessionInfo } from '../session.js';

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

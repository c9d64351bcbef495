import { type FormEvent, useState } from 'react';
import { api, unwrap } from '../api/client.js';
import { errorText, FieldError } from '../components.js';
import { useAction } from '../hooks.js';
import { useI18n } from '../i18n.js';
import { formatDateTime } from '../time.js';

export function LoginPage({ onSignedIn }: { onSignedIn(): void }) {
  const { t, locale } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await action.run(() => unwrap(api.POST('/api/auth/login', { body: { username, password } })));
    if (done) {
      setPassword('');
      onSignedIn();
    }
  };

  const error = action.error;
  // Sign-in failures are said in the page's language; the API's English message is the fallback.
  const lockedUntil = error?.details.map((detail) => detail.lockedUntil).find((value): value is string => typeof value === 'string');
  const usernameError = lockedUntil ? t('account_locked', { until: formatDateTime(lockedUntil, locale) }) : error?.fieldMessage('username');
  const passwordError = error?.status === 401 && !lockedUntil ? t('wrong_credentials') : error?.fieldMessage('password');
  const general = error && !usernameError && !passwordError ? errorText({ t, locale }, error) : undefined;
  return (
    <form className="card login" onSubmit={(event) => void submit(event)} aria-labelledby="login-title" noValidate>
      <h1 id="login-title">{t('sign_in_title')}</h1>
      <label>
        {t('username')}
        <input name="username" autoComplete="username" value={username} onChange={(event) => setUsername(event.target.value)}
          required aria-invalid={usernameError ? true : undefined} aria-describedby={usernameError ? 'username-error' : undefined} autoFocus />
        <FieldError id="username-error" message={usernameError} />
      </label>
      <label>
        {t('password')}
        <input name="password" type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)}
          required aria-invalid={passwordError ? true : undefined} aria-describedby={passwordError ? 'password-error' : undefined} />
        <FieldError id="password-error" message={passwordError} />
      </label>
      {general ? <p className="note error" role="alert">{general}</p> : null}
      <button type="submit" className="primary" disabled={action.running}>{action.running ? t('signing_in') : t('sign_in')}</button>
    </form>
  );
}

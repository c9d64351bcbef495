import { type FormEvent, useState } from 'react';
import { post } from '../api.js';
import { errorText, FieldError } from '../components.js';
import { useAction } from '../hooks.js';
import { useI18n } from '../i18n.js';

export function LoginPage({ onSignedIn }: { onSignedIn(): void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await action.run(() => post('/api/auth/login', { username, password }));
    if (done) {
      setPassword('');
      onSignedIn();
    }
  };

  const error = action.error;
  const usernameError = error?.fieldMessage('username');
  const passwordError = error?.fieldMessage('password');
  const general = error && !usernameError && !passwordError ? errorText(t, error) : undefined;
  return (
    <form className="card login" onSubmit={(event) => void submit(event)} aria-labelledby="login-title" noValidate>
      <h1 id="login-title">{t('sign_in_title')}</h1>
      <label>
        {t('username')}
        <input name="username" autoComplete="username" value={username} onChange={(event) => setUsername(event.target.value)}
          required aria-invalid={usernameError ? true : undefined} aria-describedby={usernameError ? 'username-error' : undefined} autoFocus />
        <FieldError id="username-error" message={usernameError ? error?.message : undefined} />
      </label>
      <label>
        {t('password')}
        <input name="password" type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)}
          required aria-invalid={passwordError ? true : undefined} aria-describedby={passwordError ? 'password-error' : undefined} />
        <FieldError id="password-error" message={passwordError ? error?.message : undefined} />
      </label>
      {general ? <p className="note error" role="alert">{general}</p> : null}
      <button type="submit" className="primary" disabled={action.running}>{action.running ? t('signing_in') : t('sign_in')}</button>
    </form>
  );
}

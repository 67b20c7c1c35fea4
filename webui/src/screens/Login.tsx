/** Sign-in with the employee's extension and web password (POST /api/login). */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { endedReason, signedIn, type Me } from '../lib/session';
import { useStore } from '../lib/store';
import { t } from '../i18n';
import { FormMessage, TextField } from '../components/Field';
import { LanguagePicker } from '../components/LanguagePicker';

export default function Login() {
  const [extension, setExtension] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const ended = useStore(endedReason);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await api<Me>('POST', '/api/login', { extension, password });
      await signedIn(await api<Me>('GET', '/api/me')); // with what the API asks of this sign-in (a password of their own)
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">{t('login.title')}</h1>
        {ended && <p role="status">{t('login.ended', { reason: ended })}</p>}
        <TextField label={t('login.extension')} name="extension" value={extension} onInput={setExtension} autocomplete="username" inputMode="numeric" required />
        <TextField label={t('login.password')} name="password" type="password" value={password} onInput={setPassword} autocomplete="current-password" required />
        <button type="submit" disabled={busy}>{t('login.submit')}</button>
        <FormMessage error={error} />
        <LanguagePicker />
      </form>
    </main>
  );
}

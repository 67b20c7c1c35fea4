/**
 * The first sign-in on a real board: the admin signed in with a password from a file (the
 * configuration, the CLI) and must set their own before anything else — the API refuses
 * every other route until then (api/auth.ts), this page only says why and takes it
 * (POST /api/me/password). The sim board never asks.
 */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { signedIn, signOut, type Me } from '../lib/session';
import { t } from '../i18n';
import { FormMessage, TextField } from '../components/Field';

export default function FirstPassword({ me }: { me: Me }) {
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (password !== repeat) return setErrors({ repeat: t('first.mismatch') });
    setBusy(true);
    setErrors({});
    try {
      await api('POST', '/api/me/password', { current, password });
      await signedIn(await api<Me>('GET', '/api/me'));
    } catch (err) {
      const m = err instanceof ApiError ? err.message : String(err);
      const field = /^(?:bad request: )?(current|password): (.*)$/.exec(m);
      setErrors(field ? { [field[1]!]: field[2]! } : { '': m });
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <form onSubmit={submit} aria-labelledby="first-title">
        <h1 id="first-title">{t('first.title')}</h1>
        <p>{t('first.help', { name: me.name })}</p>
        <TextField label={t('first.current')} name="current" type="password" value={current} onInput={setCurrent} autocomplete="current-password" required error={errors.current} />
        <TextField label={t('first.new')} name="password" type="password" value={password} onInput={setPassword} autocomplete="new-password" required error={errors.password} hint={t('first.rule')} />
        <TextField label={t('first.repeat')} name="repeat" type="password" value={repeat} onInput={setRepeat} autocomplete="new-password" required error={errors.repeat} />
        <button type="submit" disabled={busy}>{t('first.submit')}</button>
        <FormMessage error={errors['']} />
        <button type="button" class="secondary" onClick={() => void signOut()}>{t('app.signOut')}</button>
      </form>
    </main>
  );
}

/** The page: the sign-in form until someone is signed in, then the shell with the screen in the address. */
import { useEffect } from 'preact/hooks';
import { me, restore, signedOut } from './lib/session';
import { sessionLost } from './lib/api';
import { useStore } from './lib/store';
import { useLang } from './i18n';
import Login from './screens/Login';
import FirstPassword from './screens/FirstPassword';
import { Shell } from './components/Shell';

export function App() {
  useLang();
  const who = useStore(me);
  useEffect(() => {
    void restore();
    return sessionLost.subscribe(() => signedOut());
  }, []);
  if (who === undefined) return <p class="loading" role="status">…</p>;
  if (who === null) return <Login />;
  if (who.must_change_password) return <FirstPassword me={who} />;
  return <Shell me={who} />;
}

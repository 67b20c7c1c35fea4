/** Loads a screen's code when first shown (the first load stays small) and renders it. */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';
import type { ScreenDef } from '../screens/registry';

export function ScreenHost({ screen }: { screen: ScreenDef }) {
  const [C, setC] = useState<ComponentType | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    screen.load().then((m) => live && setC(() => m.default), (e) => live && setError(String(e)));
    return () => void (live = false);
  }, [screen]);
  useEffect(() => void (document.title = `${t(screen.title)} · autocom`), [screen]);
  if (error) return <p role="alert">{error}</p>;
  if (!C) return <p role="status" class="loading">{t('app.loading')}</p>;
  return (
    <section class="screen" aria-labelledby="screen-title" data-screen={screen.id}>
      <h1 id="screen-title">{t(screen.title)}</h1>
      <C />
    </section>
  );
}

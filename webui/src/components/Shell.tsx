/** Header (site, live-events state, language, who, sign out), the navigation and the current screen. */
import { useStore } from '../lib/store';
import { route } from '../lib/router';
import { site, signOut, type Me } from '../lib/session';
import { t } from '../i18n';
import { GROUPS, SCREENS, type ScreenDef } from '../screens/registry';
import { StreamBadge } from './StreamBadge';
import { LanguagePicker } from './LanguagePicker';
import { ScreenHost } from './ScreenHost';

export function visibleScreens(who: Me, simulator: boolean): ScreenDef[] {
  return SCREENS.filter((s) => (!s.admin || who.role === 'admin') && (!s.sim || simulator));
}

export function Shell({ me }: { me: Me }) {
  const s = useStore(site);
  const current = useStore(route);
  const screens = visibleScreens(me, s?.board.simulator ?? false);
  const fallback = me.role === 'admin' ? 'employees' : 'myphone';
  const id = current || fallback;
  const screen = SCREENS.find((x) => x.id === id);
  return (
    <div class="shell">
      <header class="top">
        <a class="skip" href="#main">{t('app.skip')}</a>
        <strong class="brand">autocom</strong>
        <span class="site">{s?.name}</span>
        <StreamBadge />
        <span class="who">{t('app.signedInAs', { name: me.name, extension: me.extension, role: t(`role.${me.role}`) })}</span>
        <div class="lang"><LanguagePicker /></div>
        <button type="button" onClick={() => void signOut()}>{t('app.signOut')}</button>
      </header>
      <nav class="side" aria-label={t('app.navigation')}>
        {GROUPS.map((g) => {
          const items = screens.filter((x) => x.group === g);
          if (!items.length) return null;
          return (
            <section key={g}>
              <h2>{t(`group.${g}`)}</h2>
              <ul>
                {items.map((x) => (
                  <li key={x.id}><a href={`#/${x.id}`} aria-current={x.id === id ? 'page' : undefined}>{t(x.title)}</a></li>
                ))}
              </ul>
            </section>
          );
        })}
      </nav>
      <main id="main" tabIndex={-1}>
        {!screen ? <p role="alert">{t('app.noScreen')}</p>
          : !screens.includes(screen) ? <p role="alert" class="refused">{screen.admin && me.role !== 'admin' ? t('app.adminOnly') : t('app.noScreen')}</p>
          : <ScreenHost key={screen.id} screen={screen} />}
      </main>
    </div>
  );
}

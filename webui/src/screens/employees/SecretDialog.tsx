/**
 * The SIP credentials of a new device, shown once: username, secret, server, and a QR code
 * a softphone scans (`sip:USER:SECRET@SERVER`, the SIP URI's user:password form of RFC 3261
 * §19.1.1 that provisioning scanners read). Closing it forgets the secret in the page; the
 * admin's YAML export still carries it, as a backup must.
 */
import { t } from '../../i18n';
import { QrCode } from '../../components/QrCode';

export interface Credentials {
  username: string;
  secret: string;
  server: string;
}

export const credentialsUri = (c: Credentials): string => `sip:${c.username}:${c.secret}@${c.server}`;

export function SecretDialog({ creds, onClose }: { creds: Credentials; onClose: () => void }) {
  return (
    <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="secret-title">
      <h2 id="secret-title">{t('secret.title')}</h2>
      <p>{t('secret.once')}</p>
      <dl class="creds">
        <dt>{t('secret.username')}</dt><dd data-cred="username">{creds.username}</dd>
        <dt>{t('secret.secret')}</dt><dd data-cred="secret"><code>{creds.secret}</code></dd>
        <dt>{t('secret.server')}</dt><dd data-cred="server">{creds.server}</dd>
      </dl>
      <QrCode text={credentialsUri(creds)} label={t('secret.qr', { username: creds.username })} />
      <button type="button" onClick={onClose}>{t('secret.done')}</button>
    </div>
  );
}

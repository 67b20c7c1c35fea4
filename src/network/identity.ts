/**
 * A site's TLS identity: its private key and self-signed certificate, made on first start
 * into the data folder (`<data>/network/site.key`, `site.crt`) and reused after. Peers pin
 * the certificate by its SHA-256 fingerprint, so no CA is involved; an installer may put
 * another key and certificate in their place (replaceable, the fingerprint follows).
 *
 * Node can make key pairs but not X.509 certificates, so the certificate comes from the
 * `openssl` command (Debian's openssl package, present on the board image): P-256 ECDSA,
 * ten years (a pinned self-signed certificate's expiry protects nothing; renewal would
 * only break the pins).
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { certificateFingerprint } from '../sip/transport/tls.js';

const run = promisify(execFile);

export interface SiteIdentity {
  key: string;
  cert: string;
  /** SHA-256 fingerprint of the certificate (`AB:CD:…`): what peers pin. */
  fingerprint: string;
}

/** The identity kept in `dir`, made there first when absent. */
export async function loadOrCreateIdentity(dir: string, commonName: string): Promise<SiteIdentity> {
  const keyPath = join(dir, 'site.key');
  const certPath = join(dir, 'site.crt');
  if (!existsSync(keyPath) || !existsSync(certPath)) await createIdentity(dir, keyPath, certPath, commonName);
  const [key, cert] = await Promise.all([readFile(keyPath, 'utf8'), readFile(certPath, 'utf8')]);
  return { key, cert, fingerprint: certificateFingerprint(cert) };
}

async function createIdentity(dir: string, keyPath: string, certPath: string, commonName: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Written beside, then renamed: a power cut mid-way never leaves half an identity.
  const tmpKey = `${keyPath}.new`;
  const tmpCert = `${certPath}.new`;
  const cn = commonName.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64) || 'autocom';
  try {
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', tmpKey, '-out', tmpCert, '-days', '3650', '-subj', `/CN=${cn}`,
    ]);
  } catch (err) {
    await Promise.all([rm(tmpKey, { force: true }), rm(tmpCert, { force: true })]);
    throw new Error(`cannot create the site certificate with openssl: ${(err as Error).message}`);
  }
  await chmod(tmpKey, 0o600);
  await rename(tmpKey, keyPath);
  await rename(tmpCert, certPath);
}

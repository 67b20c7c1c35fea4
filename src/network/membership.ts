/**
 * Membership of a network of sites, with no master (docs/network.md). A site is a member
 * because a current member signed a record admitting it; it stops being one when a
 * current member signs its removal. Every member checks the signature against the
 * signer's certificate, which it holds because the signer is itself a member, so a record
 * from anyone else is refused. The founding site signs its own record.
 *
 * Records are ECDSA P-256 / SHA-256 signatures (the site's TLS key) over a canonical
 * serialisation: the fields in a fixed order, JSON-encoded as an array.
 */
import { createPrivateKey, randomBytes, sign, verify, X509Certificate, createHash, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { siteIdSchema } from '../config/network-schema.js';

const fingerprint = z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
const address = z.string().regex(/^[0-9a-fA-F.:]{2,45}$/);
const port = z.number().int().min(1).max(65535);
const pem = z.string().max(8192).regex(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/);

export const memberRecordSchema = z
  .object({
    network: z.string().regex(/^[0-9a-f]{32}$/),
    site: siteIdSchema,
    address,
    port,
    fingerprint,
    cert: pem,
    /** When it was admitted (ms since the epoch, the signer's clock). */
    at: z.number().int(),
    signer: siteIdSchema,
    signature: z.string().max(200),
  })
  .strict();
export type MemberRecord = z.infer<typeof memberRecordSchema>;

export const removalRecordSchema = z
  .object({
    network: z.string().regex(/^[0-9a-f]{32}$/),
    removed: siteIdSchema,
    fingerprint,
    at: z.number().int(),
    signer: siteIdSchema,
    signature: z.string().max(200),
  })
  .strict();
export type RemovalRecord = z.infer<typeof removalRecordSchema>;

export type Unsigned<T> = Omit<T, 'signature'>;

function memberBytes(r: Unsigned<MemberRecord>): Buffer {
  return Buffer.from(JSON.stringify(['member', r.network, r.site, r.address, r.port, r.fingerprint, r.cert, r.at, r.signer]));
}

function removalBytes(r: Unsigned<RemovalRecord>): Buffer {
  return Buffer.from(JSON.stringify(['removal', r.network, r.removed, r.fingerprint, r.at, r.signer]));
}

export function signMember(r: Unsigned<MemberRecord>, key: string): MemberRecord {
  return { ...r, signature: sign('sha256', memberBytes(r), createPrivateKey(key)).toString('base64') };
}

export function signRemoval(r: Unsigned<RemovalRecord>, key: string): RemovalRecord {
  return { ...r, signature: sign('sha256', removalBytes(r), createPrivateKey(key)).toString('base64') };
}

function checks(data: Buffer, signature: string, signerCert: string): boolean {
  try {
    return verify('sha256', data, new X509Certificate(signerCert).publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** A member record is sound: its certificate has the fingerprint it claims, and `signerCert` signed it. */
export function verifyMember(r: MemberRecord, signerCert: string): boolean {
  try {
    if (new X509Certificate(r.cert).fingerprint256 !== r.fingerprint) return false;
  } catch {
    return false;
  }
  return checks(memberBytes(r), r.signature, signerCert);
}

export function verifyRemoval(r: RemovalRecord, signerCert: string): boolean {
  return checks(removalBytes(r), r.signature, signerCert);
}

/**
 * Check a list of member records as a newcomer receives it: each must be signed by a
 * member listed in it (the founder by itself); anything else is dropped.
 */
export function soundMembers(records: readonly MemberRecord[], network: string): MemberRecord[] {
  const bySite = new Map(records.filter((r) => r.network === network).map((r) => [r.site, r]));
  return [...bySite.values()].filter((r) => {
    const signer = bySite.get(r.signer);
    return signer !== undefined && verifyMember(r, signer.cert);
  });
}

export function newNetworkId(): string {
  return randomBytes(16).toString('hex');
}

// ---- invitations ---------------------------------------------------------------------

const inviteMember = z.object({ site: siteIdSchema, address, port, fingerprint }).strict();
export const invitationTokenSchema = z
  .object({
    v: z.literal(1),
    network: z.string().regex(/^[0-9a-f]{32}$/),
    inviter: siteIdSchema,
    members: z.array(inviteMember).min(1).max(500),
    secret: z.string().regex(/^[A-Za-z0-9_-]{22,64}$/),
    expires: z.number().int(),
  })
  .strict();
export type InvitationToken = z.infer<typeof invitationTokenSchema>;

export function encodeToken(t: InvitationToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

/** The token pasted by an admin; undefined when it is not one. */
export function decodeToken(token: string): InvitationToken | undefined {
  if (token.length > 64 * 1024 || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  try {
    const r = invitationTokenSchema.safeParse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

export function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** What the inviter keeps of a secret: its hash (a stolen state file opens no door). */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * SIP trunks (`sip_trunks`): the exchange's accounts with a SIP provider, beside the city
 * lines. A trunk is a line by its name: trunk groups list it (`trunk_groups[].lines`) and
 * hunt it like an FXO line, and `numbers[].line` names it for the DIDs it brings in.
 *
 * Either it registers to the provider (`registration`, RFC 3261 §10, digest credentials)
 * or the provider sends to a fixed address (`peer`, "IP authentication"). The password is
 * a secret: never logged, exported as the devices' secrets are (admin-only export).
 */
import * as z from 'zod';

const name = z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters');
const externalNumber = z.string().regex(/^\+?[0-9]{2,20}$/, 'must be 2 to 20 digits, optionally with a leading +');
/** A host name or IPv4 address, optionally `:port` (no scheme, no user). */
const hostPort = z
  .string()
  .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::[0-9]{1,5})?$/, 'must be a host name or IPv4 address, optionally with :port (e.g. sip.provider.example or 192.0.2.10:5060)')
  .refine((s) => !s.includes(':') || Number(s.split(':')[1]) <= 65535, 'port must be at most 65535');
const sipToken = z.string().min(1).max(64).regex(/^[A-Za-z0-9._!~*'()&=+$,;?/-]+$/, 'must be a SIP user name (letters, digits and -_.!~*\'()&=+$,;?/)');

/** Bounded exponential back-off after a failed registration (with jitter, so many exchanges do not retry in step). */
export const retrySchema = z
  .object({
    /** First wait after a failure, seconds. */
    min_s: z.number().min(0.1).max(3600).default(10),
    /** Longest wait between attempts, seconds. */
    max_s: z.number().min(0.1).max(86400).default(600),
  })
  .strict()
  .refine((r) => r.max_s >= r.min_s, 'max_s must be at least min_s');

export const registrationSchema = z
  .object({
    /** The provider's registrar, `host[:port]`. */
    registrar: hostPort,
    /** The provider's SIP domain (the AOR's host and the calls' Request-URI host). Default: the registrar's host. */
    domain: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a domain name or IPv4 address').optional(),
    /** The account's user name (the AOR's user part). */
    username: sipToken,
    /** Digest user name when it differs from `username`. */
    auth_username: sipToken.optional(),
    /** Digest password: a secret, never logged. */
    password: z.string().min(1, 'must not be empty').max(128),
    /** Registration lifetime asked for (RFC 3261 §10.2.1.1); the exchange refreshes before what the provider grants runs out. */
    expires_s: z.number().int().min(30).max(86400).default(600),
    retry: retrySchema.default({ min_s: 10, max_s: 600 }),
  })
  .strict();

export const peerSchema = z
  .object({
    /** The provider's address, `host[:port]`: calls go there, and only it may send calls in. */
    host: hostPort,
    /** The SIP domain for Request-URIs (default: the host). */
    domain: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a domain name or IPv4 address').optional(),
  })
  .strict();

/**
 * A number range of the PBX at the other end of a tie line (src/trunks/ranges.ts): digits
 * then `x` wildcards (`3xx`), one number (`600`), or `FROM-TO` of one length (`300-349`);
 * 2 to 6 digits, not starting with 0 (the outside-line prefix).
 */
export const rangeSchema = z
  .string()
  .regex(/^(?:[1-9][0-9x]{1,5}|[1-9][0-9]{1,5}-[1-9][0-9]{1,5})$/, 'must be like "3xx", "600" or "300-349" (2 to 6 digits, x for any digit, not starting with 0)')
  .refine((r) => !/x[0-9]/.test(r), 'x wildcards come last ("3xx", not "3x5")')
  .refine((r) => {
    const [a, b] = r.split('-');
    return b === undefined || (a!.length === b.length && Number(a) <= Number(b));
  }, 'a FROM-TO range runs upwards between numbers of the same length');

export const CODEC_NAMES = ['PCMA', 'PCMU'] as const;

export const sipTrunkSchema = z
  .object({
    name,
    registration: registrationSchema.optional(),
    peer: peerSchema.optional(),
    /** Every request goes through this proxy first (RFC 3261 §8.1.2, as a loose-routing Route). */
    outbound_proxy: hostPort.optional(),
    /** The transport to the provider; absent: what its DNS records say (RFC 3263 NAPTR/SRV), else UDP. */
    transport: z.enum(['udp', 'tcp']).optional(),
    /** Where an incoming call's DID is read: the Request-URI's user part or the To header's. */
    did_from: z.enum(['request_uri', 'to']).default('request_uri'),
    /** How the caller ID is sent: in From, or From = the account and P-Asserted-Identity = the caller ID (RFC 3325). */
    caller_id_mode: z.enum(['from', 'pai']).default('from'),
    /** Whether a withheld call (`#31#`) may be sent anonymous with `Privacy: id` (RFC 3323). */
    privacy: z.boolean().default(true),
    /** How numbers go out: `national` as a city line dials them (0612345678, 00…), or `e164` (+33612345678); short numbers (112) as dialled. */
    number_format: z.enum(['national', 'e164']).default('national'),
    /** Caller ID of calls out through this trunk, unless the employee, department or trunk group sets one. */
    caller_id: externalNumber.optional(),
    /** Voice codecs allowed on this trunk, in order of preference. */
    codecs: z.array(z.enum(CODEC_NAMES)).min(1).refine((l) => new Set(l).size === l.length, 'must not list a codec twice').default(['PCMA', 'PCMU']),
    /** OPTIONS keepalive to the provider every this many seconds; 0: none. */
    options_interval_s: z.number().min(0).max(3600).default(30),
    /** Simultaneous calls the account allows. */
    max_calls: z.number().int().min(1).max(1000).default(10),
    /**
     * Of `max_calls`, kept free for customers calling in: calls out stop this many short of
     * the account's limit (`true`: the trunk takes no call out at all, as a city line with
     * `reserved_for_incoming`). Calls in may use every channel up to `max_calls`.
     */
    reserved_for_incoming: z.union([z.boolean(), z.number().int().min(0).max(999)]).optional(),
    /** More provider addresses (IPv4) that may send calls in, beside the registrar, proxy or peer. */
    allow_from: z.array(z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, 'must be an IPv4 address')).optional(),
    /**
     * A tie line to another PBX (Asterisk, FreePBX, 3CX): its extensions, dialled like ours,
     * go over this trunk with the caller's extension as caller ID, and the calls it sends to
     * our extensions ring them as internal calls do (src/trunks/ranges.ts). E.g. `["3xx"]`.
     */
    ranges: z.array(rangeSchema).min(1).optional(),
  })
  .strict()
  .refine((t) => (t.registration === undefined) !== (t.peer === undefined), 'a SIP trunk needs exactly one of "registration" (to a registrar) or "peer" (a static address)');

export type SipTrunk = z.output<typeof sipTrunkSchema>;
export type SipTrunkInput = z.input<typeof sipTrunkSchema>;

/**
 * Public API of the SIP stack (RFC 3261 and friends). The registrar, the B2BUA and trunks
 * import from here only; `src/sip` knows nothing about the PBX.
 */
export { SipError, SipParseError } from './errors.js';
export { SipUri, parseUri, formatUri, unescapeUri, uriEquals } from './uri.js';
export { Headers, canonicalName, splitList, isListHeader } from './headers.js';
export { Via, NameAddr, parseVia, parseNameAddr, parseCSeq, parseContacts, parseParams, formatParams, parseScalar } from './header-values.js';
export type { CSeq, Params } from './header-values.js';
export { SipRequest, SipResponse, BRANCH_MAGIC, REASON_PHRASES, reasonPhrase } from './message.js';
export type { SipMessage } from './message.js';
export { parseMessage, SipMessageParseError } from './parser.js';
export type { ParseOptions } from './parser.js';
export { StreamFramer } from './framer.js';
export { serialize, serializeToString } from './serializer.js';
export { createResponse, buildCancel, requestForInviteTransaction, buildRequest, newBranch, newTag, newCallId } from './builders.js';
export type { RequestSpec } from './builders.js';
export { SipStack } from './stack.js';
export type { SipStackOptions, SendOptions, RequestHandler } from './stack.js';
export { SipTransportLayer, responseDestination, stampReceived } from './transport/layer.js';
export type { Destination } from './transport/layer.js';
export type { Transport, TransportConfig, TransportProtocol, Endpoint, IncomingInfo } from './transport/types.js';
export { UdpTransport } from './transport/udp.js';
export { TcpTransport } from './transport/tcp.js';
export { TlsTransport, TlsPeerRefusedError, certificateFingerprint } from './transport/tls.js';
export type { TlsOptions } from './transport/tls.js';
export { DEFAULT_TIMERS } from './transaction/base.js';
export type { TimerValues, TimerName } from './transaction/base.js';
export { InviteClientTransaction, buildAckForFailure } from './transaction/invite-client.js';
export type { InviteClientState, ClientTransactionUser } from './transaction/invite-client.js';
export { NonInviteClientTransaction } from './transaction/non-invite-client.js';
export type { NonInviteClientState } from './transaction/non-invite-client.js';
export { InviteServerTransaction, TRYING_DELAY_MS } from './transaction/invite-server.js';
export type { InviteServerState } from './transaction/invite-server.js';
export { NonInviteServerTransaction } from './transaction/non-invite-server.js';
export type { NonInviteServerState } from './transaction/non-invite-server.js';
export type { ServerTransaction, ServerTransactionUser } from './transaction/server.js';
export { TransactionLayer } from './transaction/layer.js';
export type { ClientTransaction, AnyServerTransaction } from './transaction/layer.js';
export { Dialog, dialogKey, dialogIdOfRequest, dialogIdOfResponse } from './dialog.js';
export type { DialogId, DialogState, InDialogOptions } from './dialog.js';
export { DigestServer, authorize, digestResponse, parseChallenge, formatChallenge, pickChallenge, parseAuthHeader } from './digest.js';
export type { DigestAlgorithm, DigestChallenge, VerifyResult, DigestServerOptions, AuthorizeOptions } from './digest.js';
export * as sdp from './sdp.js';
export { withCredentials } from './auth-client.js';
export type { Credentials } from './auth-client.js';
export { checkUasRequest } from './uas-checks.js';
export type { UasPolicy } from './uas-checks.js';

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { answerDirection, audioStream, buildAnswer, buildOffer, checkedAudio, parseSdp, rewriteForRelay, PCMA, TELEPHONE_EVENT } from '../../src/sip/sdp.js';
import { SdpRejected, warning, notAcceptable } from '../../src/sip/sdp-check.js';

const offer = (extra = '', c = '192.0.2.10', payloads = '0 8 18 96', audioExtra = ''): string =>
  'v=0\r\no=alice 2890844526123456789 2890844526 IN IP4 192.0.2.10\r\ns=-\r\n' +
  `c=IN IP4 ${c}\r\nt=0 0\r\n${extra}m=audio 49170 RTP/AVP ${payloads}\r\na=rtpmap:96 telephone-event/8000\r\na=fmtp:96 0-15\r\n${audioExtra}` +
  'm=video 51372 RTP/AVP 31\r\na=rtpmap:31 H261/90000\r\n';

test('audio stream of an offer: address, port, codecs with static payload types, direction', () => {
  const a = audioStream(parseSdp(offer()))!;
  assert.is(a.address, '192.0.2.10');
  assert.is(a.port, 49170);
  assert.equal(a.codecs.map((c) => `${c.payload}/${c.name}`), ['0/PCMU', '8/PCMA', '18/G729', '96/telephone-event']);
  assert.is(a.codecs[3]!.fmtp, '0-15');
  assert.is(a.direction, 'sendrecv');
  assert.is(a.onHold, false);
});

test('hold: sendonly, inactive or c=0.0.0.0', () => {
  assert.ok(audioStream(parseSdp(offer('', '192.0.2.10', '0', 'a=sendonly\r\n')))!.onHold);
  assert.ok(audioStream(parseSdp(offer('a=inactive\r\n')))!.onHold);
  const zero = audioStream(parseSdp(offer('', '0.0.0.0')))!;
  assert.ok(zero.onHold);
  assert.is(zero.direction, 'sendrecv');
});

test('answer: one voice codec (the first offered we support) plus telephone-event, offerer numbers kept, video refused with port 0', () => {
  const ans = buildAnswer(offer(), { address: '198.51.100.1', port: 30000, sessionId: '1' })!;
  assert.is(ans.codec.name, 'PCMU');
  assert.is(ans.telephoneEvent!.payload, 96);
  const sdp = parseSdp(ans.sdp);
  assert.is(sdp.media.length, 2);
  assert.is(sdp.media[0]!.payloads, '0 96');
  assert.not.ok(ans.sdp.includes('PCMA'));
  assert.is(sdp.media[0]!.port, 30000);
  assert.is(sdp.media[1]!.port, 0);
  assert.is(sdp.connection!.ip, '198.51.100.1');
  assert.ok(ans.sdp.includes('a=rtpmap:96 telephone-event/8000'));
});

test('answer honours our codec list and is refused (305) with nothing in common', () => {
  const a = buildAnswer(offer(), { address: '198.51.100.1', port: 30000, supported: [PCMA, TELEPHONE_EVENT] })!;
  assert.is(a.codec.payload, 8);
  assert.is(parseSdp(a.sdp).media[0]!.payloads, '8 96');
  assert.is(rejection(() => buildAnswer(offer('', '192.0.2.10', '18'), { address: '198.51.100.1', port: 1 })), '305 no common voice codec (PCMU, PCMA)');
});

/** `code reason` of the SdpRejected `f` throws, or 'accepted'. */
function rejection(f: () => unknown): string {
  try {
    f();
    return 'accepted';
  } catch (err) {
    if (err instanceof SdpRejected) return `${err.code} ${err.reason}`;
    throw err;
  }
}
const audioOnly = (m: string, more = '', c = 'c=IN IP4 192.0.2.10\r\n'): string =>
  `v=0\r\no=a 1 1 IN IP4 192.0.2.10\r\ns=-\r\n${c}t=0 0\r\n${m}\r\n${more}`;
const check = (text: string, family: 4 | 6 = 4) => rejection(() => checkedAudio(text, family));

test('validation: ports 1-65534 (RTCP next to it), port 0 is a disabled stream, a=rtcp in range', () => {
  assert.is(check(audioOnly('m=audio 49170 RTP/AVP 0')), 'accepted');
  assert.is(check(audioOnly('m=audio 1 RTP/AVP 0')), 'accepted');
  assert.is(check(audioOnly('m=audio 65534 RTP/AVP 0')), 'accepted');
  assert.match(check(audioOnly('m=audio 0 RTP/AVP 0')), /^304 .*disabled/);
  assert.match(check(audioOnly('m=audio 65535 RTP/AVP 0')), /^399 .*RTCP/);
  assert.match(check(audioOnly('m=audio 70000 RTP/AVP 0')), /^399 .*out of range/);
  assert.match(check(audioOnly('m=audio 99999999999 RTP/AVP 0')), /^399 malformed/);
  assert.match(check(audioOnly('m=audio -1 RTP/AVP 0')), /^399 malformed/);
  assert.match(check(audioOnly('m=audio 4000/2 RTP/AVP 0')), /^399 /); // sdp-transform cannot read it either
  assert.match(check(audioOnly('m=audio 4000 RTP/AVP 0', 'a=rtcp:70000\r\n')), /^399 RTCP port/);
  assert.is(check(audioOnly('m=audio 4000 RTP/AVP 0', 'a=rtcp:4001 IN IP4 192.0.2.10\r\n')), 'accepted');
});

test('validation: connection addresses are IP literals of our family; FQDN, multicast, missing c= refused (301/399)', () => {
  assert.match(check(audioOnly('m=audio 4000 RTP/AVP 0', '', 'c=IN IP4 pbx.example.com\r\n')), /^301 .*literal/);
  assert.match(check(audioOnly('m=audio 4000 RTP/AVP 0', '', 'c=IN IP4 999.1.1.1\r\n')), /^301 /);
  assert.match(check(audioOnly('m=audio 4000 RTP/AVP 0', '', 'c=IN IP4 239.1.1.1/127\r\n')), /^301 multicast/);
  assert.match(check(audioOnly('m=audio 4000 RTP/AVP 0', '', 'c=IN IP6 2001:db8::1\r\n')), /^301 IPv6 media address/);
  assert.is(check(audioOnly('m=audio 4000 RTP/AVP 0', '', 'c=IN IP6 2001:db8::1\r\n'), 6), 'accepted');
  assert.match(check(audioOnly('m=audio 4000 RTP/AVP 0', '', 'c=IN IP6 zz::1\r\n'), 6), /^301 /);
  assert.match(check(audioOnly('m=audio 4000 RTP/AVP 0', '', 'c=IN ATM 1.2.3.4\r\n')), /^301 /);
  assert.match(check(audioOnly('m=audio 4000 RTP/AVP 0', '', '')), /^399 no connection address/);
  // media-level c= wins over session-level; c=0.0.0.0 (RFC 2543 hold) passes either family
  assert.is(check(audioOnly('m=audio 4000 RTP/AVP 0', 'c=IN IP4 192.0.2.11\r\n', 'c=IN IP4 bad.example\r\n')), 'accepted');
  assert.is(check(audioOnly('m=audio 4000 RTP/AVP 0', '', 'c=IN IP4 0.0.0.0\r\n'), 6), 'accepted');
});

test('validation: RTP/AVP and RTP/AVPF only (302); payload types 0-127 and well-formed rtpmaps (305)', () => {
  assert.is(check(audioOnly('m=audio 4000 RTP/AVPF 0')), 'accepted');
  assert.match(check(audioOnly('m=audio 4000 RTP/SAVP 0')), /^302 transport RTP\/SAVP not supported/);
  assert.match(check(audioOnly('m=audio 4000 UDP/TLS/RTP/SAVPF 0')), /^302 /);
  assert.match(check(audioOnly('m=audio 4000 RTP/AVP 128')), /^305 payload type 128/);
  assert.match(check(audioOnly('m=audio 4000 RTP/AVP 0 x')), /^305 payload type x/);
  assert.match(check(audioOnly('m=audio 4000 RTP/AVP 0 96', 'a=rtpmap:96 telephone-event\r\n')), /^305 malformed rtpmap/);
  assert.match(check(audioOnly('m=audio 4000 RTP/AVP 0', 'a=rtpmap:0 PCMU/abc\r\n')), /^305 malformed rtpmap/);
  assert.match(check(audioOnly('m=audio 4000 RTP/AVP 0', 'a=rtpmap:300 PCMU/8000\r\n')), /^305 malformed rtpmap/);
  assert.match(check(audioOnly('m=video 4000 RTP/AVP 31')), /^304 no audio/);
  assert.match(check('hello'), /^399 not an SDP/);
});

test('a refused m= line is echoed with its format tokens only', () => {
  const text = audioOnly('m=audio 4000 RTP/AVP 0', 'm=video 5000 RTP/AVP 31 <script> 32\r\n');
  const lines = buildAnswer(text, { address: '198.51.100.1', port: 2 }).sdp.split('\r\n');
  assert.ok(lines.includes('m=video 0 RTP/AVP 31 32'), lines.join('|'));
});

test('the 488 carries a Warning with our host and a reason stripped of quotes and control characters', () => {
  const e = new SdpRejected(302, 'transport "X"\r\nInjected: 1 not supported');
  assert.is(warning(e, 'pbx.example'), '302 pbx.example "transport XInjected: 1 not supported"');
  const sip = notAcceptable(e, '192.0.2.1');
  assert.is(sip.status, 488);
  assert.is(sip.headers[0]![0], 'Warning');
});

test('direction of the answer mirrors the offer (RFC 3264 §6.1)', () => {
  assert.is(answerDirection('sendonly'), 'recvonly');
  assert.is(answerDirection('recvonly'), 'sendonly');
  assert.is(answerDirection('inactive'), 'inactive');
  assert.is(answerDirection('sendrecv'), 'sendrecv');
  assert.is(answerDirection('sendrecv', 'sendonly'), 'sendonly');
  const held = buildAnswer(offer('', '192.0.2.10', '0', 'a=sendonly\r\n'), { address: '198.51.100.1', port: 2 })!;
  assert.is(audioStream(parseSdp(held.sdp))!.direction, 'recvonly');
});

test('offer: PCMU, PCMA, telephone-event with fmtp', () => {
  const s = buildOffer({ address: '198.51.100.1', port: 40000, sessionId: '7' });
  const a = audioStream(parseSdp(s))!;
  assert.equal(a.codecs.map((c) => c.payload), [0, 8, 101]);
  assert.is(a.codecs[2]!.fmtp, '0-16');
  assert.is(a.port, 40000);
});

test('relay rewrite: c= and audio port replaced, codecs/direction kept, long session id intact, hold kept', () => {
  const out = rewriteForRelay(offer('', '192.0.2.10', '0 8', 'a=sendonly\r\n'), '198.51.100.7', 20000, 3);
  const a = audioStream(parseSdp(out))!;
  assert.is(a.address, '198.51.100.7');
  assert.is(a.port, 20000);
  assert.is(a.direction, 'sendonly');
  assert.equal(a.codecs.map((c) => c.payload), [0, 8]);
  assert.ok(out.includes('o=alice 2890844526123456789 3 IN IP4 198.51.100.7'));
  const held = rewriteForRelay(offer('', '0.0.0.0'), '198.51.100.7', 20000);
  assert.ok(audioStream(parseSdp(held))!.onHold);
});

test.run();

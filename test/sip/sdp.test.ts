import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { answerDirection, audioStream, buildAnswer, buildOffer, parseSdp, rewriteForRelay, PCMA, TELEPHONE_EVENT } from '../../src/sip/sdp.js';

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

test('answer: offerer order and payload numbers kept, telephone-event answered, video refused with port 0', () => {
  const ans = buildAnswer(offer(), { address: '198.51.100.1', port: 30000, sessionId: '1' })!;
  assert.is(ans.codec.name, 'PCMU');
  assert.is(ans.telephoneEvent!.payload, 96);
  const sdp = parseSdp(ans.sdp);
  assert.is(sdp.media.length, 2);
  assert.is(sdp.media[0]!.payloads, '0 8 96');
  assert.is(sdp.media[0]!.port, 30000);
  assert.is(sdp.media[1]!.port, 0);
  assert.is(sdp.connection!.ip, '198.51.100.1');
  assert.ok(ans.sdp.includes('a=rtpmap:96 telephone-event/8000'));
});

test('answer honours our codec list and returns undefined (488) with nothing in common', () => {
  const a = buildAnswer(offer(), { address: '198.51.100.1', port: 30000, supported: [PCMA, TELEPHONE_EVENT] })!;
  assert.is(a.codec.payload, 8);
  assert.is(buildAnswer(offer('', '192.0.2.10', '18'), { address: '198.51.100.1', port: 1 }), undefined);
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

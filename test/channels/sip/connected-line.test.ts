/**
 * The connected-line headers (channels/sip/connected-line.ts): P-Asserted-Identity and
 * Remote-Party-ID for the party a phone talks with after a transfer; a name or number from
 * outside (a city line's caller ID) cannot inject a header or break the quoting.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connectedLineHeaders } from '../../../src/channels/sip/connected-line.js';

test('an employee: quoted name, number as the user part, both headers', () => {
  assert.equal(connectedLineHeaders({ number: '203', name: 'Vera Target' }, '10.0.0.1'), [
    ['P-Asserted-Identity', '"Vera Target" <sip:203@10.0.0.1>'],
    ['Remote-Party-ID', '"Vera Target" <sip:203@10.0.0.1>;party=calling;privacy=off;screen=yes'],
  ]);
});

test('a hostile caller ID: no CR/LF, quotes escaped, the number %-escaped', () => {
  const [[, pai], [, rpid]] = connectedLineHeaders({ number: '06>@x\r\nVia: evil', name: 'A "B"\r\nX-Evil: 1' }, 'pbx') as [[string, string], [string, string]];
  for (const v of [pai, rpid]) assert.not.match(v, /[\r\n]/);
  assert.is(pai, '"A \\"B\\" X-Evil: 1" <sip:06%3E%40xVia%3A%20evil@pbx>');
});

test('no name: the address alone', () => {
  assert.equal(connectedLineHeaders({ number: '0611223344' }, 'pbx')[0], ['P-Asserted-Identity', '<sip:0611223344@pbx>']);
});

test.run();

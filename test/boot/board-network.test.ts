/** The board's network section: the address advertised to phones behind NAT (README, "On a LAN"). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseBoard } from '../../src/boot/board.js';
import { ConfigError } from '../../common/errors.js';

test('a board without a network section advertises the local address (no advertise)', () => {
  assert.equal(parseBoard({ name: 'pi4' }, 'board.yaml').network, {});
});

test('network.advertise takes an IPv4 or IPv6 address', () => {
  assert.is(parseBoard({ name: 'pi4', network: { advertise: '203.0.113.5' } }, 'board.yaml').network.advertise, '203.0.113.5');
  assert.is(parseBoard({ name: 'pi4', network: { advertise: '2001:db8::5' } }, 'board.yaml').network.advertise, '2001:db8::5');
});

test('a network.advertise that is not an IP address stops the boot with the key', () => {
  for (const bad of ['pbx.example.com', '10.0.0.1\r\nX-Evil: 1', '300.1.1.1']) {
    try {
      parseBoard({ name: 'pi4', network: { advertise: bad } }, 'board.yaml');
      assert.unreachable(`accepted ${JSON.stringify(bad)}`);
    } catch (err) {
      assert.instance(err, ConfigError);
      assert.match((err as ConfigError).issues[0]!.path, /board\.yaml: network\.advertise/);
    }
  }
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StateMachine } from '../../common/state-machine.js';
import { InvalidStateError } from '../../common/errors.js';

type Light = 'off' | 'on' | 'broken';
const table = { off: ['on', 'broken'], on: ['off', 'broken'], broken: [] } as const;

test('legal moves pass, illegal moves throw InvalidStateError naming both states', () => {
  const m = new StateMachine<Light>('lamp', table, 'off');
  const moves: string[] = [];
  m.onTransition((f, t) => moves.push(`${f}>${t}`));
  m.transition('on');
  m.transition('broken');
  assert.is(m.state, 'broken');
  assert.throws(() => m.transition('on'), (e: unknown) => e instanceof InvalidStateError && /broken -> on/.test(e.message));
  assert.equal(moves, ['off>on', 'on>broken']);
});

test.run();

/**
 * Voicemail in `autocom config export --with-state`, through the `autocom` command on real
 * data folders: the YAML carries each box's PIN as an scrypt hash (never in clear) and the
 * messages' index with file names, not the audio; the audio is the `<data>/voicemail`
 * folder, archived with tar beside the export. Importing into a new data folder where the
 * archive was unpacked restores the index and the PINs; importing again adds nothing twice;
 * an import never deletes a message; audio missing from the folder is reported, not indexed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { tempDir } from '../helpers/tmp.js';
import { runAutocom } from '../helpers/process.js';
import { EXAMPLE_YAML } from '../config/example.js';
import { openDatabase, closeDatabase } from '../../src/store/db.js';
import { VoicemailRepository } from '../../src/store/voicemail-repo.js';
import { writeWav } from '../../src/media/wav.js';

function withBoxes<T>(data: string, f: (repo: VoicemailRepository) => T | Promise<T>): Promise<T> {
  const db = openDatabase(data);
  return Promise.resolve(f(new VoicemailRepository(db, `${data}/voicemail`))).finally(() => closeDatabase(db));
}
const office = () => {
  const c = parse(EXAMPLE_YAML);
  c.employees[1].voicemail = true;
  return JSON.stringify(c);
};
/** A message as the exchange leaves one: its WAV complete in the box's folder, then its row. */
function leave(repo: VoicemailRepository, box: string, at: number, heard = false): void {
  const file = `${repo.boxFolder(box)}/${at}-abcd1234.wav`;
  writeFileSync(file, writeWav(new Int16Array(8000).fill(at % 1000)));
  const m = repo.add(box, { caller_number: '0612345678', caller_name: 'Client', received_at: at, duration_ms: 1000, file });
  if (heard) repo.mark(box, m.id, true);
}

test('export --with-state: PIN hashes and the index in the YAML, the audio in the archive; restored into a new data folder, once', async () => {
  const dir = tempDir();
  const data = `${dir}/data`;
  writeFileSync(`${dir}/office.yaml`, office());
  assert.is(runAutocom(['config', 'import', `${dir}/office.yaml`, '--data', data]).status, 0);
  const pin = await withBoxes(data, (r) => {
    leave(r, '202', 1_767_000_000_000);
    leave(r, '202', 1_767_000_100_000, true);
    r.setGreeting('202', writeWav(new Int16Array(8000)));
    return r.pin('202');
  });
  await withBoxes(data, (r) => r.choosePin('201', '4826')); // a box whose owner chose a PIN (201 has no mailbox in the configuration: kept as orphaned)

  const plain = runAutocom(['config', 'export', '--data', data]);
  assert.not.ok('live_state' in parse(plain.stdout));
  const full = runAutocom(['config', 'export', '--with-state', '--data', data]);
  assert.is(full.status, 0, full.stderr);
  assert.not.ok(full.stdout.includes(pin), 'the generated PIN is not in the file in clear');
  const vm = parse(full.stdout).live_state.voicemail.boxes;
  assert.match(vm['202'].pin_hash, /^scrypt\$/);
  assert.match(vm['201'].pin_hash, /^scrypt\$/);
  assert.is(vm['202'].greeting, true);
  assert.equal(vm['202'].messages.map((m: { file: string; heard: boolean }) => [m.file, m.heard]), [['202/1767000000000-abcd1234.wav', false], ['202/1767000100000-abcd1234.wav', true]]);
  assert.ok(full.stdout.length < 10_000, 'no audio in the YAML');

  // The new exchange: the archive unpacked into its data folder, then the import.
  const tar = spawnSync('tar', ['-C', data, '-czf', `${dir}/voicemail.tar.gz`, 'voicemail']);
  assert.is(tar.status, 0, String(tar.stderr));
  writeFileSync(`${dir}/backup.yaml`, full.stdout);
  const data2 = `${dir}/data2`;
  mkdirSync(data2);
  assert.is(spawnSync('tar', ['-C', data2, '-xzf', `${dir}/voicemail.tar.gz`]).status, 0);
  const r1 = runAutocom(['config', 'import', `${dir}/backup.yaml`, '--data', data2]);
  assert.is(r1.status, 0, r1.stderr);
  assert.match(r1.stderr, /the mailbox of 201 \(no such owner any more\) is kept as 201-removed-[0-9]+ until purged/);
  assert.match(r1.stderr, /voicemail: 2 message\(s\) indexed/);
  await withBoxes(data2, async (r) => {
    assert.equal(r.messages('202').map((m) => [m.received_at, m.heard, m.caller_name]), [[1_767_000_000_000, false, 'Client'], [1_767_000_100_000, true, 'Client']]);
    assert.ok(await r.checkPin('202', pin), 'the old PIN opens the box');
    const kept = r.boxes().find((b) => b.startsWith('201-removed-'));
    assert.ok(kept, 'a box without an owner is kept aside (a newcomer at 201 would start empty)');
    assert.ok(await r.checkPin(kept!, '4826'));
    assert.not.ok(await r.checkPin('202', '000000'));
    assert.ok(r.hasGreeting('202'));
  });
  // Again: nothing twice. A message left since then is kept by the import.
  await withBoxes(data2, (r) => leave(r, '202', 1_767_000_200_000));
  const r2 = runAutocom(['config', 'import', `${dir}/backup.yaml`, '--data', data2]);
  assert.is(r2.status, 0, r2.stderr);
  assert.match(r2.stderr, /voicemail: 0 message\(s\) indexed/);
  assert.is(await withBoxes(data2, (r) => r.messages('202').length), 3);
  // A plain configuration import touches none of it.
  assert.is(runAutocom(['config', 'import', `${dir}/office.yaml`, '--data', data2]).status, 0);
  assert.is(await withBoxes(data2, (r) => r.messages('202').length), 3);
});

test('an import whose audio was not unpacked says which files are missing and indexes none of them', async () => {
  const dir = tempDir();
  const data = `${dir}/data`;
  writeFileSync(`${dir}/office.yaml`, office());
  assert.is(runAutocom(['config', 'import', `${dir}/office.yaml`, '--data', data]).status, 0);
  await withBoxes(data, (r) => leave(r, '202', 1_767_000_000_000));
  writeFileSync(`${dir}/backup.yaml`, runAutocom(['config', 'export', '--with-state', '--data', data]).stdout);
  const r = runAutocom(['config', 'import', `${dir}/backup.yaml`, '--data', `${dir}/empty`]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /voicemail audio not in .*: 202\/1767000000000-abcd1234\.wav/);
  assert.is(await withBoxes(`${dir}/empty`, (x) => x.messages('202').length), 0);
});

test('a file naming audio outside its box is refused with the path', async () => {
  const dir = tempDir();
  const bad = { ...parse(office()), live_state: { voicemail: { boxes: { '202': { messages: [{ caller_number: '1', received_at: 1, duration_ms: 1, heard: false, file: '../../etc/passwd.wav' }] } } } } };
  writeFileSync(`${dir}/bad.yaml`, JSON.stringify(bad));
  const r = runAutocom(['config', 'import', `${dir}/bad.yaml`, '--data', `${dir}/data`]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /live_state\.voicemail\.boxes\.202\.messages\[0\]\.file: must be <box>\/<name>\.wav/);
});

test.run();

/**
 * Call notes round trip through the API (issue 15: the source document's telephone form has
 * the caller's surname, first name, patronymic and position as separate fields): a running
 * exchange with director 200 and secretary 210; the secretary writes a note in Russian, the
 * director reads each field back as written, the secretary corrects the first name alone,
 * the note is found by its patronymic, and the CSV has one column per field. A one-field
 * `name` is refused (400), and so is a field too long, named in the message.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { tempDir } from '../helpers/tmp.js';
import { ApiClient } from '../helpers/http.js';
import { example } from '../config/example.js';

let ex: Exchange;
let secretary: ApiClient;
let director: ApiClient;
interface Note { id: number; surname: string; first_name: string; patronymic: string; position: string; essence: string; callback_number: string; callback_when: string; deputy: string; status: string }

test.before(async () => {
  const dir = tempDir();
  writeFileSync(`${dir}/board.yaml`, 'name: call-notes\nsimulator: true\nlinecards: []\n');
  const cfg = example();
  const sip = (ext: string) => [{ type: 'sip', secret: `s3cret-${ext}` }];
  cfg.employees.push(
    { name: 'Semyon Petrov', extension: '200', password: 'change-me-200', devices: sip('200') },
    { name: 'Marina Vorobyova', extension: '210', password: 'change-me-210', devices: sip('210') },
  );
  cfg.executives = [{ extension: '200', assistants: ['210'] }];
  writeFileSync(`${dir}/office.yaml`, stringify(cfg));
  ex = await startExchange({
    board: `${dir}/board.yaml`, data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent', logger: silentLogger(),
  });
  secretary = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  director = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await secretary.login('210', 'change-me-210'), 200);
  assert.is(await director.login('200', 'change-me-200'), 200);
});
test.after(() => ex?.close());

const FORM = {
  surname: 'Щукин', first_name: 'Юри', patronymic: 'Эдуардович', position: 'главный бухгалтер',
  essence: 'договор на март', callback_number: '0612345678', callback_when: 'после 14:00', deputy: 'Борис Иванов',
};

test('the form\'s fields go in and come back one by one; one field is edited alone; search and CSV keep them apart', async () => {
  const created = await secretary.post('/api/notes', { director: '200', ...FORM });
  assert.is(created.status, 201, JSON.stringify(created.body));
  const id = (created.body as Note).id;
  const read = async (): Promise<Note> => ((await director.get('/api/notes?director=200')).body as { notes: Note[] }).notes.find((n) => n.id === id)!;
  const back = await read();
  assert.equal(Object.fromEntries(Object.keys(FORM).map((k) => [k, back[k as keyof Note]])), FORM, 'each field as written');
  assert.is(back.status, 'new');

  assert.is((await secretary.put(`/api/notes/${id}`, { first_name: 'Юрий' })).status, 200);
  const edited = await read();
  assert.equal([edited.surname, edited.first_name, edited.patronymic, edited.position], ['Щукин', 'Юрий', 'Эдуардович', 'главный бухгалтер'], 'only the first name changed');

  const found = (await director.get(`/api/notes?q=${encodeURIComponent('Эдуардович')}`)).body as { notes: Note[] };
  assert.equal(found.notes.map((n) => n.id), [id], 'found by the patronymic');

  const csv = (await director.bytes('/api/notes.csv')).body.toString('utf8').split(/\r?\n/);
  assert.match(csv[0]!, /^id,director,called_at,surname,first_name,patronymic,position,essence,/);
  const row = csv.find((l) => l.startsWith(`${id},`))!;
  assert.match(row, /,Щукин,Юрий,Эдуардович,главный бухгалтер,договор на март,0612345678,после 14:00,Борис Иванов,/, 'one column per field');
});

test('a single `name` field is refused, and a field too long is named in the refusal', async () => {
  const single = await secretary.post('/api/notes', { director: '200', name: 'Щукин Юрий Эдуардович' });
  assert.is(single.status, 400);
  const long = await secretary.post('/api/notes', { director: '200', patronymic: 'я'.repeat(501) });
  assert.is(long.status, 400);
  assert.match((long.body as { error: string }).error, /^patronymic: /);
  assert.is(((await director.get('/api/notes')).body as { notes: Note[] }).notes.length, 1, 'nothing stored from the refused ones');
});

test.run();

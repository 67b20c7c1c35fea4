/** A department's members in ring order: add from the employees, move up or down, remove. */
import { useState } from 'preact/hooks';
import { t } from '../../i18n';
import type { Employee } from '../../lib/types';
import { SelectField } from '../../components/Field';

export function MembersEditor({ members, employees, error, onChange }: { members: string[]; employees: Employee[]; error?: string | undefined; onChange: (m: string[]) => void }) {
  const others = employees.filter((e) => !members.includes(e.extension));
  const [pick, setPick] = useState('');
  const chosen = others.some((e) => e.extension === pick) ? pick : (others[0]?.extension ?? '');
  const nameOf = (ext: string) => employees.find((e) => e.extension === ext)?.name ?? ext;
  const move = (i: number, by: number) => {
    const m = [...members];
    const [x] = m.splice(i, 1);
    m.splice(i + by, 0, x!);
    onChange(m);
  };
  return (
    <fieldset>
      <legend>{t('dep.members')}</legend>
      {error && <p class="error" role="alert">{error}</p>}
      <ol class="members">
        {members.map((m, i) => (
          <li key={m} data-member={m}>
            <span>{nameOf(m)} ({m})</span>{' '}
            <button type="button" class="secondary" disabled={i === 0} onClick={() => move(i, -1)}>{t('dep.up')}<span class="sr-only"> {nameOf(m)}</span></button>{' '}
            <button type="button" class="secondary" disabled={i === members.length - 1} onClick={() => move(i, 1)}>{t('dep.down')}<span class="sr-only"> {nameOf(m)}</span></button>{' '}
            <button type="button" class="danger" onClick={() => onChange(members.filter((x) => x !== m))}>{t('dep.removeMember')}<span class="sr-only"> {nameOf(m)}</span></button>
          </li>
        ))}
      </ol>
      {others.length > 0 && (
        <div class="row">
          <SelectField label={t('dep.addWho')} name="add_member" value={chosen} onChange={setPick} options={others.map((e) => ({ value: e.extension, label: `${e.name} (${e.extension})` }))} />
          <button type="button" onClick={() => chosen && onChange([...members, chosen])}>{t('dep.addMember')}</button>
        </div>
      )}
    </fieldset>
  );
}

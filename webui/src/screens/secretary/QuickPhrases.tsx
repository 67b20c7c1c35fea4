/** The etiquette's phrases (phrases.ts) for the secretary to read out, in the caller's language (French, English or Russian), whatever the page's. */
import { useState } from 'preact/hooks';
import { lang, t, type MessageKey } from '../../i18n';
import { SelectField } from '../../components/Field';
import { PHRASE_GROUPS, PHRASES, type PhraseLang } from './phrases';

export function QuickPhrases() {
  const [l, setL] = useState<PhraseLang>(lang.get() as PhraseLang);
  return (
    <section class="card" aria-labelledby="phrases-title" data-phrases={l}>
      <h2 id="phrases-title">{t('sec.phrases')}</h2>
      <SelectField label={t('sec.phrasesIn')} value={l} onChange={(v) => setL(v as PhraseLang)} options={[{ value: 'fr', label: 'Français' }, { value: 'en', label: 'English' }, { value: 'ru', label: 'Русский' }]} />
      {PHRASE_GROUPS.map((g) => (
        <details key={g} open={g === 'absent'}>
          <summary>{t(`phrase.${g}` as MessageKey)}</summary>
          <ul lang={l}>{PHRASES[l][g].map((p) => <li key={p}>{p}</li>)}</ul>
        </details>
      ))}
    </section>
  );
}

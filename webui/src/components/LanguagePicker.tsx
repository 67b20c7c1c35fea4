import { LANGUAGE_NAMES, setLang, t, useLang, type Lang } from '../i18n';
import { SelectField } from './Field';

export function LanguagePicker() {
  const l = useLang();
  return (
    <SelectField label={t('app.language')} name="language" value={l} onChange={(v) => setLang(v as Lang)}
      options={Object.entries(LANGUAGE_NAMES).map(([value, label]) => ({ value, label }))} />
  );
}

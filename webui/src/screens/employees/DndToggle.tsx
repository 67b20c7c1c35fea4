/** Do-not-disturb is live state, not configuration: set at once through the API (admin: /api/employees/:ext/dnd, self: /api/me/dnd). */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../lib/api';
import { t } from '../../i18n';
import { CheckField } from '../../components/Field';

export function DndToggle({ extension }: { extension?: string }) {
  const path = extension ? `/api/employees/${extension}/dnd` : '/api/me/dnd';
  const [dnd, setDnd] = useState<boolean | null>(null);
  const [error, setError] = useState('');
  useEffect(() => void api<{ dnd: boolean }>('GET', path).then((r) => setDnd(r.dnd), (e) => setError(String(e.message))), [path]);
  if (dnd === null) return error ? <p class="error">{error}</p> : null;
  return (
    <CheckField label={t('emp.dnd')} name="dnd" checked={dnd} error={error}
      onChange={(v) => api<{ dnd: boolean }>('PUT', path, { dnd: v }).then((r) => (setDnd(r.dnd), setError('')), (e) => setError(String(e.message)))} />
  );
}

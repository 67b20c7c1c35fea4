/** Voice menus: the list (keys and where they lead), create / edit / delete. Prompts are chosen by name (upload and recording come with their own issue). */
import { useState } from 'preact/hooks';
import { t } from '../../i18n';
import { useConfig } from '../../lib/config';
import { useSave } from '../../lib/useSave';
import { FormMessage } from '../../components/Field';
import { MenuForm } from './MenuForm';

export default function Menus() {
  const { config, error } = useConfig();
  const [editing, setEditing] = useState<number | null>(null);
  const del = useSave('menus');
  if (!config) return <p role={error ? 'alert' : 'status'}>{error || t('app.loading')}</p>;
  const menus = config.menus ?? [];
  if (editing !== null) return <MenuForm key={editing} config={config} index={editing} onDone={() => setEditing(null)} />;
  return (
    <div>
      <div class="row"><button type="button" onClick={() => setEditing(menus.length)}>{t('menu.add')}</button></div>
      <FormMessage error={del.error} />
      <table class="list">
        <caption class="sr-only">{t('nav.menus')}</caption>
        <thead><tr><th scope="col">{t('menu.extension')}</th><th scope="col">{t('menu.name')}</th><th scope="col">{t('menu.keys')}</th><th scope="col">{t('form.actions')}</th></tr></thead>
        <tbody>
          {menus.map((m, i) => (
            <tr key={m.extension} data-extension={m.extension}>
              <td>{m.extension}</td><td>{m.name ?? ''}</td>
              <td>{Object.entries((m.choices ?? {}) as Record<string, { type: string; target?: string }>).map(([k, a]) => `${k}: ${t(`menuAction.${a.type as 'department'}`)}${a.target ? ` ${a.target}` : ''}`).join(', ')}</td>
              <td class="actions">
                <button type="button" onClick={() => setEditing(i)}>{t('form.edit')}<span class="sr-only"> {m.name ?? m.extension}</span></button>
                <button type="button" class="danger" onClick={() => confirm(t('menu.confirmDelete', { name: m.name ?? m.extension })) && void del.save((c) => void c.menus!.splice(i, 1))}>{t('form.delete')}<span class="sr-only"> {m.name ?? m.extension}</span></button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

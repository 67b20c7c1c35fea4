/** Saving a form through saveConfig: busy flag, the API's message, and its issues under the form's path. */
import { useState } from 'preact/hooks';
import { ApiError, issuesUnder } from './api';
import { saveConfig } from './config';
import type { Config } from './types';

export function useSave(prefix: string) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = async (change: (c: Config) => void): Promise<Config | null> => {
    setBusy(true);
    setError('');
    setErrors({});
    try {
      return await saveConfig(change);
    } catch (err) {
      const e = err as ApiError;
      const mine = issuesUnder(e.issues ?? [], prefix);
      setErrors(mine);
      const others = (e.issues ?? []).filter((i) => i.path !== prefix && !i.path.startsWith(`${prefix}.`));
      setError([e.message, ...others.map((i) => `${i.path}: ${i.message}`)].join(' — '));
      return null;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, errors, save };
}

/**
 * A form field with its visible label and, under it, the API's message when it refused the
 * value (aria-invalid and aria-describedby tie the message to the field).
 */
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

interface Common {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
}

function Wrap({ id, label, error, hint, children }: Common & { id: string; children: ComponentChildren }) {
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint && <small id={`${id}-hint`} class="hint">{hint}</small>}
      {error && <small id={`${id}-err`} class="error" role="alert">{error}</small>}
    </div>
  );
}

const describedBy = (id: string, c: Common): string | undefined =>
  [c.error ? `${id}-err` : '', c.hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;

export function TextField(p: Common & { value: string; onInput: (v: string) => void; type?: string; name?: string; autocomplete?: string; inputMode?: string; required?: boolean; placeholder?: string }) {
  const id = useId();
  return (
    <Wrap id={id} {...p}>
      <input id={id} name={p.name} type={(p.type ?? 'text') as 'text'} value={p.value} required={p.required} autocomplete={p.autocomplete} inputMode={p.inputMode as 'text'} placeholder={p.placeholder}
        aria-invalid={p.error ? 'true' : undefined} aria-describedby={describedBy(id, p)}
        onInput={(e) => p.onInput((e.currentTarget as HTMLInputElement).value)} />
    </Wrap>
  );
}

export function NumberField(p: Common & { value: number | undefined; onInput: (v: number | undefined) => void; min?: number; max?: number; name?: string }) {
  const id = useId();
  return (
    <Wrap id={id} {...p}>
      <input id={id} name={p.name} type="number" value={p.value ?? ''} min={p.min} max={p.max} aria-invalid={p.error ? 'true' : undefined} aria-describedby={describedBy(id, p)}
        onInput={(e) => {
          const v = (e.currentTarget as HTMLInputElement).value;
          p.onInput(v === '' ? undefined : Number(v));
        }} />
    </Wrap>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField(p: Common & { value: string; options: Option[]; onChange: (v: string) => void; name?: string }) {
  const id = useId();
  return (
    <Wrap id={id} {...p}>
      <select id={id} name={p.name} value={p.value} aria-invalid={p.error ? 'true' : undefined} aria-describedby={describedBy(id, p)}
        onChange={(e) => p.onChange((e.currentTarget as HTMLSelectElement).value)}>
        {p.options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    </Wrap>
  );
}

export function CheckField(p: { label: string; checked: boolean; onChange: (v: boolean) => void; name?: string; error?: string | undefined }) {
  const id = useId();
  return (
    <div class={`field check${p.error ? ' invalid' : ''}`}>
      <input id={id} name={p.name} type="checkbox" checked={p.checked} onChange={(e) => p.onChange((e.currentTarget as HTMLInputElement).checked)} />
      <label for={id}>{p.label}</label>
      {p.error && <small class="error" role="alert">{p.error}</small>}
    </div>
  );
}

/** The form-wide message (an error not tied to one field, or "saved"). */
export function FormMessage({ error, ok }: { error?: string | undefined; ok?: string | undefined }) {
  if (error) return <p class="form-error" role="alert">{error}</p>;
  if (ok) return <p class="form-ok" role="status">{ok}</p>;
  return null;
}

import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

interface FieldProps {
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby': string | undefined }) => ReactNode;
}

/** A labelled control with its hint and its validation message right under it. */
export function Field({ label, hint, error, children }: FieldProps) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': Boolean(error), 'aria-describedby': describedBy })}
      {hint && (
        <div className="field-hint" id={`${id}-hint`}>
          {hint}
        </div>
      )}
      {error && (
        <div className="field-error" id={`${id}-error`} role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

type InputProps = InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: ReactNode; error?: string | undefined };

export function TextField({ label, hint, error, ...input }: InputProps) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(a11y) => <input className="input" {...a11y} {...input} />}
    </Field>
  );
}

/** A whole number (a count, a length, a threshold): steps of 1 and the numeric keypad on a phone. */
export function WholeNumberField(props: InputProps) {
  return <TextField type="number" step={1} inputMode="numeric" {...props} />;
}

/** A number that may have decimals (an amount, a multiplier): the decimal keypad on a phone. */
export function DecimalField(props: InputProps) {
  return <TextField type="number" step="any" inputMode="decimal" {...props} />;
}

type TextAreaProps = TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; hint?: ReactNode; error?: string | undefined };

export function TextAreaField({ label, hint, error, ...textarea }: TextAreaProps) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(a11y) => <textarea className="input" {...a11y} {...textarea} />}
    </Field>
  );
}

/** The optional description of a configured thing (achievement, level, board): prose, up to Trophy's 1,000 characters. */
export function DescriptionField({ value, onChange, error }: { value: string; onChange: (value: string) => void; error?: string | undefined }) {
  return (
    <TextAreaField
      label="Description"
      className="input input-prose"
      rows={2}
      maxLength={1000}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
      hint="Optional; shown to users by your app."
    />
  );
}

type SelectProps = SelectHTMLAttributes<HTMLSelectElement> & {
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  options: readonly { value: string; label: string }[];
};

export function SelectField({ label, hint, error, options, ...select }: SelectProps) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(a11y) => (
        <select className="input" {...a11y} {...select}>
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function Checkbox({ label, hint, ...input }: InputHTMLAttributes<HTMLInputElement> & { label: ReactNode; hint?: ReactNode }) {
  return (
    <label className="checkbox">
      <input type="checkbox" {...input} />
      <span>
        {label}
        {hint && <span className="checkbox-hint">{hint}</span>}
      </span>
    </label>
  );
}

/** A form's buttons: Cancel (when the form can be left) and the submit button, which says what it is doing while pending. */
export function FormActions({ submitLabel, pendingLabel = 'Saving…', pending, onCancel }: { submitLabel: string; pendingLabel?: string; pending: boolean; onCancel?: () => void }) {
  return (
    <div className="form-actions">
      {onCancel && (
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      )}
      <button type="submit" className="button button-primary" disabled={pending}>
        {pending ? pendingLabel : submitLabel}
      </button>
    </div>
  );
}

/**
 * A form's onChange: the server's answer to the last submit (and the messages placed from it) goes
 * as soon as anything is edited, so a message never contradicts the value now in the field.
 */
export function clearOnEdit(mutation: { error: unknown; reset: () => void }): () => void {
  return () => {
    if (mutation.error) mutation.reset();
  };
}

/** The message for a required field left empty: it names the field, as the label does. */
export function requiredMessage(label: string, value: string): string | undefined {
  return value.trim() ? undefined : `${label} is required.`;
}

/** Only the messages that are set: a form has failed its own checks when anything is left. */
export function problemsOf<F extends string>(messages: Partial<Record<F, string | undefined>>): Partial<Record<F, string>> {
  return Object.fromEntries(Object.entries(messages).filter(([, message]) => message)) as Partial<Record<F, string>>;
}

import { useId, useState, type FormEvent } from 'react';

const TRACE_ID = /^[0-9a-f]{32}$/;

export interface TraceIdFormProps {
  /** What the field starts with. */
  initial?: string;
  /** An empty field submits too (meaning "no trace filter"). */
  allowEmpty: boolean;
  placeholder: string;
  /** The button's text for what is typed in (e.g. "Refresh" once it is the one shown). */
  buttonLabel: (draft: string) => string;
  /** Test ids of the field and its button. */
  inputTestId: string;
  buttonTestId: string;
  onSubmit: (traceId: string) => void;
}

/** A trace id field (32 lowercase hex digits, as in `x-trace-id`): typed in, checked, submitted. */
export function TraceIdForm({ initial = '', allowEmpty, placeholder, buttonLabel, inputTestId, buttonTestId, onSubmit }: TraceIdFormProps) {
  const id = useId();
  const [draft, setDraft] = useState(initial);
  const invalid = draft !== '' && !TRACE_ID.test(draft);
  const refused = invalid || (!allowEmpty && draft === '');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!refused) onSubmit(draft);
  };

  return (
    <>
      <form className="inline-form" onSubmit={submit}>
        <label htmlFor={`${id}-trace`}>Trace id</label>
        <input
          id={`${id}-trace`}
          value={draft}
          onChange={(event) => setDraft(event.target.value.trim().toLowerCase())}
          placeholder={placeholder}
          aria-invalid={invalid}
          spellCheck={false}
          data-testid={inputTestId}
        />
        <button type="submit" disabled={refused} data-testid={buttonTestId}>
          {buttonLabel(draft)}
        </button>
      </form>
      {invalid && <p className="form-error">A trace id is 32 hexadecimal digits.</p>}
    </>
  );
}

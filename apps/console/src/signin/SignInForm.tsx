import { useId, useState, type FormEvent } from 'react';
import { errorText } from '../api/client.ts';
import { signIn, type Session } from '../api/session.ts';

export interface SignInFormProps {
  /** Prefilled demo credentials. */
  email: string;
  password: string;
  /** Prefix of the fields' test ids: `signin` gives `signin-email`, `signin-password`, `signin-submit`. */
  testId: string;
  submitLabel: string;
  /** Rejects a session that may not use this view; the message is shown. */
  check?: (session: Session) => string | undefined;
  onSignedIn: (session: Session) => void;
}

/** Email and password, exchanged for a bearer token at `POST /api/v1/auth/token`. */
export function SignInForm({ email: initialEmail, password: initialPassword, testId, submitLabel, check, onSignedIn }: SignInFormProps) {
  const id = useId();
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState(initialPassword);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const session = await signIn(email, password);
      const refusal = check?.(session);
      if (refusal) setError(refusal);
      else onSignedIn(session);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="signin-form" onSubmit={submit}>
      <label htmlFor={`${id}-email`}>Email</label>
      <input id={`${id}-email`} type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.target.value)} data-testid={`${testId}-email`} />
      <label htmlFor={`${id}-password`}>Password</label>
      <input
        id={`${id}-password`}
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        data-testid={`${testId}-password`}
      />
      <button type="submit" className="primary" disabled={busy} data-testid={`${testId}-submit`}>
        {busy ? 'Signing in…' : submitLabel}
      </button>
      {error && (
        <p className="form-error" role="alert" data-testid={`${testId}-error`}>
          {error}
        </p>
      )}
    </form>
  );
}

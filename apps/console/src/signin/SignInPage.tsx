import type { Session } from '../api/session.ts';
import { SignInForm } from './SignInForm.tsx';

/** The operator views are for admins: the console starts with this form. */
export function SignInPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  return (
    <main className="signin-page">
      <section className="signin-card" aria-labelledby="signin-title">
        <h1 id="signin-title">Agora console</h1>
        <p className="muted">Sign in as an operator to watch the system live, inject faults and follow sagas. The demo admin is filled in.</p>
        <SignInForm
          email="admin@example.com"
          password="admin-password"
          testId="signin"
          submitLabel="Sign in"
          check={(session) => (session.user.role === 'admin' ? undefined : `${session.user.email} is not an admin; the console needs the admin role.`)}
          onSignedIn={onSignedIn}
        />
      </section>
    </main>
  );
}

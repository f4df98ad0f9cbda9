import type { ReactNode } from 'react';

/** A feature whose route this gateway does not serve: said plainly, the rest of the page goes on. */
export function Unavailable({ what, testId }: { what: string; testId?: string }) {
  return (
    <p className="note note-unavailable" data-testid={testId ?? 'not-available'}>
      {what} is not available on this gateway.
    </p>
  );
}

export function ErrorNote({ children }: { children: ReactNode }) {
  return (
    <p className="note note-error" role="alert">
      {children}
    </p>
  );
}

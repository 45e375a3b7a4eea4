import type { ReactNode } from 'react';

/** Laurel's name and mark: at the top of the sidebar, and larger on the sign-in card. */
export function Brand({ large }: { large?: boolean }) {
  return (
    <div className={large ? 'brand brand-large' : 'brand'}>
      <span className="brand-mark" aria-hidden="true">
        ❦
      </span>{' '}
      Laurel
    </div>
  );
}

/** The card of the screens before the dashboard opens: set-up, sign-in and replacing a one-time password. */
export function AuthCard({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  return (
    <div className="auth-card">
      <Brand large />
      <h1>{title}</h1>
      {subtitle && <p className="muted">{subtitle}</p>}
      {children}
    </div>
  );
}

import { useId, type ReactNode } from 'react';

/**
 * A titled section on a card; the title names it for screen readers. `actions`, when given, share a
 * header row with the title (null keeps the row while there is nothing to show in it).
 */
export function Card({ title, actions, className, children }: { title: string; actions?: ReactNode; className?: string; children: ReactNode }) {
  const id = useId();
  const heading = (
    <h2 id={id} className="card-title">
      {title}
    </h2>
  );
  return (
    <section className={className ? `card ${className}` : 'card'} aria-labelledby={id}>
      {actions === undefined ? (
        heading
      ) : (
        <div className="card-header">
          {heading}
          {actions}
        </div>
      )}
      {children}
    </section>
  );
}

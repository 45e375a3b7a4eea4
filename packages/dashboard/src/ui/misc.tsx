import { useState, type ReactNode } from 'react';
import { useClockTick } from './clock-tick';

/** `value` may be a loader, so a secret can be copied without first being shown on screen. */
export function CopyButton({ value, label = 'Copy' }: { value: string | (() => Promise<string>); label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <button
      type="button"
      className="button button-small"
      onClick={async () => {
        try {
          await copyText(typeof value === 'string' ? value : await value());
          setState('copied');
        } catch {
          setState('failed');
        }
        setTimeout(() => setState('idle'), 1500);
      }}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
    </button>
  );
}

/** A secret shown once, named for screen readers by `label`, with the button that copies it. */
export function SecretValue({ label, value, copyLabel }: { label: string; value: string; copyLabel: string }) {
  return (
    <div className="secret-row">
      <code className="secret" aria-label={label}>
        {value}
      </code>
      <CopyButton value={value} label={copyLabel} />
    </div>
  );
}

/** navigator.clipboard needs a secure context; plain http on a LAN address falls back to execCommand. */
async function copyText(value: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(value);
  const area = document.createElement('textarea');
  area.value = value;
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

export type Tone = 'neutral' | 'success' | 'warning' | 'danger' | 'info';

export function Badge({ tone = 'neutral', children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {description && <p className="page-description">{description}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** "3 minutes ago", with the exact time on hover; kept current while the page stays open. */
export function RelativeTime({ iso }: { iso: string | null | undefined }) {
  useClockTick();
  if (!iso) return <span className="muted">never</span>;
  const date = new Date(iso);
  const seconds = Math.round((date.getTime() - Date.now()) / 1000);
  const abs = Math.abs(seconds);
  const text =
    abs < 45
      ? relative.format(seconds, 'second')
      : abs < 2700
        ? relative.format(Math.round(seconds / 60), 'minute')
        : abs < 79200
          ? relative.format(Math.round(seconds / 3600), 'hour')
          : relative.format(Math.round(seconds / 86400), 'day');
  return (
    <time dateTime={iso} title={absolute.format(date)}>
      {text}
    </time>
  );
}

export function JsonBlock({ value }: { value: unknown }) {
  return <pre className="code-block">{typeof value === 'string' ? value : JSON.stringify(value, null, 2)}</pre>;
}

/** Pages of a list, newest first unless `labels` say what comes before and after (["Higher places", "Lower places"]). */
export function Pagination({
  page,
  hasMore,
  onPage,
  labels = ['Newer', 'Older'],
}: {
  page: number;
  hasMore: boolean;
  onPage: (page: number) => void;
  labels?: readonly [string, string];
}) {
  if (page === 0 && !hasMore) return null;
  return (
    <nav className="pagination" aria-label="Pagination">
      <button type="button" className="button button-small" disabled={page === 0} onClick={() => onPage(page - 1)}>
        {labels[0]}
      </button>
      <span className="muted">Page {page + 1}</span>
      <button type="button" className="button button-small" disabled={!hasMore} onClick={() => onPage(page + 1)}>
        {labels[1]}
      </button>
    </nav>
  );
}

import { Suspense, useEffect, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { Brand } from '../ui/brand';
import { Loading } from '../ui/feedback';
import { useEnvironments, useOptionalEnvironment } from './environment';
import { useSession, useSignOut } from './session';

const environmentPages = [
  { section: 'Developers', links: [
    { path: 'webhooks', label: 'Webhooks' },
    { path: 'api-keys', label: 'API keys' },
  ] },
  { section: 'Configure', links: [
    { path: 'metrics', label: 'Metrics' },
    { path: 'attributes', label: 'Attributes' },
    { path: 'achievements', label: 'Achievements' },
    { path: 'streaks', label: 'Streaks' },
    { path: 'points', label: 'Points' },
    { path: 'leaderboards', label: 'Leaderboards' },
    { path: 'users', label: 'Users' },
  ] },
];

const settingsPages = [
  { path: '/settings/environments', label: 'Environments' },
  { path: '/settings/members', label: 'Members' },
  { path: '/settings/account', label: 'Account' },
];

/** The frame around every signed-in page: navigation, the environment switcher and the account menu. */
export function Shell() {
  const { account } = useSession();
  // A one-time password opens nothing but the account page (the server refuses everything else), so no navigation to dead ends.
  return account.mustChangePassword ? <BareFrame /> : <FullShell />;
}

function BareFrame() {
  return (
    <div className="auth-page">
      <Suspense fallback={<Loading />}>
        <Outlet />
      </Suspense>
    </div>
  );
}

/** Below this width the sidebar is a menu that a button opens (styles.css uses the same number). */
const NARROW = '(max-width: 900px)';

function FullShell() {
  const { account, status } = useSession();
  const current = useOptionalEnvironment();
  const environments = useEnvironments();
  const navigate = useNavigate();
  const location = useLocation();
  const signOut = useSignOut();
  const menu = useMenu();
  // The last environment visited stays selected on settings pages, so links back land in the same place.
  const envName = current?.name ?? sessionStorage.getItem('laurel.environment') ?? environments.data?.[0]?.name;
  if (current) sessionStorage.setItem('laurel.environment', current.name);
  const kind = current?.kind ?? environments.data?.find((e) => e.name === envName)?.kind;

  function switchEnvironment(name: string) {
    // Stay on the same kind of page (webhooks -> webhooks), never on an object id of the other environment.
    const section = /^\/env\/[^/]+\/([^/]+)/.exec(location.pathname)?.[1] ?? 'webhooks';
    navigate(`/env/${encodeURIComponent(name)}/${section}`);
  }

  return (
    <div className={`shell env-kind-${kind ?? 'none'}${menu.open ? ' menu-open' : ''}`}>
      <header className="topbar">
        <button
          ref={menu.button}
          type="button"
          className="menu-button"
          aria-expanded={menu.open}
          aria-controls="sidebar"
          onClick={() => menu.setOpen(!menu.open)}
        >
          <span className="menu-icon" aria-hidden="true" />
          Menu
        </button>
        <Brand />
        {envName && <span className={`topbar-env badge badge-kind-${kind ?? 'none'}`}>{envName}</span>}
      </header>
      {menu.open && <div className="menu-backdrop" aria-hidden="true" onClick={() => menu.setOpen(false)} />}
      <aside className="sidebar" id="sidebar" ref={menu.panel} aria-label="Navigation">
        <Brand />
        <div className="env-switcher">
          <label htmlFor="environment-switcher">Environment</label>
          <select
            id="environment-switcher"
            className={`input env-select env-select-${kind ?? 'none'}`}
            value={envName ?? ''}
            onChange={(event) => switchEnvironment(event.target.value)}
          >
            {environments.data?.map((environment) => (
              <option key={environment.id} value={environment.name}>
                {environment.name === environment.kind ? environment.name : `${environment.name} (${environment.kind})`}
              </option>
            ))}
          </select>
        </div>
        {/* A link followed from the menu closes it, even one to the page already open. */}
        <nav aria-label="Main" onClick={(event) => (event.target as HTMLElement).closest('a') && menu.setOpen(false)}>
          {environmentPages.map((group) => (
            <div className="nav-group" key={group.section}>
              <div className="nav-heading">{group.section}</div>
              {group.links.map((link) => (
                <NavLink key={link.path} to={`/env/${encodeURIComponent(envName ?? '')}/${link.path}`} className="nav-link">
                  {link.label}
                </NavLink>
              ))}
            </div>
          ))}
          <div className="nav-group">
            <div className="nav-heading">Settings</div>
            {settingsPages.map((link) => (
              <NavLink key={link.path} to={link.path} className="nav-link">
                {link.label}
              </NavLink>
            ))}
          </div>
        </nav>
        <div className="sidebar-footer">
          <div className="account-email" title={account.email}>
            {account.email}
          </div>
          <button type="button" className="button button-small" onClick={signOut}>
            Sign out
          </button>
          <div className="muted small" data-testid="server-mode" title="The server's LAUREL_MODE. Environments are a separate choice: any of them can be used in either mode.">
            v{status.version} · server in {status.mode} mode
          </div>
        </div>
      </aside>
      {/* Behind an open menu the page is inert, so Tab stays in the menu and a screen reader reads only it. */}
      <div className="main" inert={menu.open}>
        {current && (
          <div className={`env-banner env-banner-${current.kind}`} role="note">
            {current.kind === 'production' ? (
              <>
                <strong>Production</strong> — changes here affect your live users.
              </>
            ) : (
              <>
                <strong>{current.name}</strong>
                {current.name === current.kind ? '' : ` (${current.kind})`} — test data; nothing here reaches production.
              </>
            )}
          </div>
        )}
        <main className="content">
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </main>
      </div>
    </div>
  );
}

/**
 * The narrow-screen menu: opening it moves the focus into it; Escape, the backdrop, following a
 * link or widening the window closes it, and the focus goes back to the button.
 */
function useMenu() {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLElement>(null);
  const location = useLocation();

  useEffect(() => setOpen(false), [location.pathname]);

  useEffect(() => {
    const narrow = window.matchMedia(NARROW);
    const close = () => {
      if (!narrow.matches) setOpen(false);
    };
    narrow.addEventListener('change', close);
    return () => narrow.removeEventListener('change', close);
  }, []);

  useEffect(() => {
    if (!open) return;
    panel.current?.querySelector<HTMLElement>('.nav-link.active, .nav-link')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      // Closed with the focus inside the hidden menu (or nowhere): hand it back to the button.
      const focused = document.activeElement;
      if (!focused || focused === document.body || panel.current?.contains(focused)) button.current?.focus();
    };
  }, [open]);

  return { open, setOpen, button, panel };
}

import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, type MouseEvent, type ReactNode } from 'react';
import { getHealth } from './api.ts';
import { ChatPage } from './pages/Chat.tsx';
import { navigate, useLocation } from './router.ts';

// Pages beyond the chat (and everything heavy they use: maps, the editor) load when first opened.
const AnalyticsPage = lazy(() => import('./pages/Analytics.tsx'));
const ExplorerPage = lazy(() => import('./pages/Explorer.tsx'));
const ExportPage = lazy(() => import('./pages/Export.tsx'));
const PerformancePage = lazy(() => import('./pages/Performance.tsx'));
const AboutPage = lazy(() => import('./pages/About.tsx'));

const PAGES: { path: string; title: string }[] = [
  { path: '/', title: 'Chat' },
  { path: '/analytics', title: 'Analytics' },
  { path: '/explorer', title: 'Explorer' },
  { path: '/export', title: 'Export' },
  { path: '/performance', title: 'Performance' },
  { path: '/about', title: 'About' },
];

/** A link that changes the page without reloading it. */
export function Link({
  href,
  children,
  ...rest
}: {
  href: string;
  children: ReactNode;
  className?: string;
  'aria-current'?: 'page';
}) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}

function DemoBanner() {
  const health = useQuery({ queryKey: ['health'], queryFn: getHealth, staleTime: 300_000 });
  if (health.data?.dataset !== 'demo') return null;
  return (
    <div className="demo-banner" role="note">
      <strong>DEMO DATA</strong> — modelled values for the real counties, shaped like the 2020 RPA
      projections; not the published figures.
    </div>
  );
}

export function App() {
  const { path } = useLocation();
  const page = PAGES.find((p) => p.path === path) ?? null;
  useEffect(() => {
    document.title = page
      ? `${page.title} · RPA Land Use Analytics`
      : 'Not found · RPA Land Use Analytics';
  }, [page]);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link href="/" className="brand">
          <svg viewBox="0 0 32 32" width="24" height="24" aria-hidden="true">
            <rect width="32" height="32" rx="6" fill="currentColor" />
            <path d="M16 5 7 20h6v7h6v-7h6z" fill="var(--bg)" />
          </svg>
          <span>RPA Land Use</span>
        </Link>
        <nav aria-label="Pages">
          {PAGES.map((p) => (
            <Link
              key={p.path}
              href={p.path}
              {...(p.path === path ? { 'aria-current': 'page' as const } : {})}
            >
              {p.title}
            </Link>
          ))}
        </nav>
      </header>
      <DemoBanner />
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p className="muted loading">Loading…</p>}>
          {path === '/' && <ChatPage />}
          {path === '/analytics' && <AnalyticsPage />}
          {path === '/explorer' && <ExplorerPage />}
          {path === '/export' && <ExportPage />}
          {path === '/performance' && <PerformancePage />}
          {path === '/about' && <AboutPage />}
          {!page && (
            <section className="page">
              <h1>Page not found</h1>
              <p>
                There is no page at <code>{path}</code>. <Link href="/">Ask a question</Link>{' '}
                instead.
              </p>
            </section>
          )}
        </Suspense>
      </main>
    </>
  );
}

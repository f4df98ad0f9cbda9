import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { adminApi } from './api/admin.ts';
import { onUnauthorized } from './api/client.ts';
import { useLiveStream } from './api/live.ts';
import { ADMIN_SESSION, SHOP_SESSION, useStoredSession } from './api/session.ts';
import { SagasView } from './sagas/SagasView.tsx';
import { ShopView } from './shop/ShopView.tsx';
import { SignInPage } from './signin/SignInPage.tsx';
import { TracesView } from './traces/TracesView.tsx';
import { LiveIndicator } from './ui/LiveIndicator.tsx';
import { Tabs, useTab, type TabName } from './ui/Tabs.tsx';
import { TopologyView } from './views/TopologyView.tsx';

/**
 * The console: an admin signs in, then watches the system (topology), follows sagas and traces,
 * and shops as a customer, all on one live stream.
 */
export function App() {
  const [session, setSession] = useStoredSession(ADMIN_SESSION);
  const token = session?.token ?? null;
  const live = useLiveStream(token);
  const admin = useMemo(() => adminApi(token ?? ''), [token]);
  const [tab, setTab] = useTab();
  const [orderId, setOrderId] = useState<string | null>(null);
  const [traceId, setTraceId] = useState<string | null>(null);

  // A token the gateway no longer accepts ends the session: back to the sign-in form.
  useEffect(
    () =>
      onUnauthorized((rejected) => {
        if (rejected === token) setSession(null);
      }),
    [token, setSession],
  );

  const openTrace = useCallback((id: string) => {
    setTraceId(id);
    setTab('traces');
  }, [setTab]);

  // Signing out ends the storefront's customer session too: nothing of it stays in the tab.
  const signOut = () => {
    sessionStorage.removeItem(SHOP_SESSION);
    setSession(null);
  };

  if (!session) return <SignInPage onSignedIn={setSession} />;

  const views: Record<TabName, ReactNode> = {
    topology: <TopologyView admin={admin} live={live} />,
    sagas: <SagasView admin={admin} orderId={orderId} onSelectOrder={setOrderId} onOpenTrace={openTrace} />,
    traces: <TracesView admin={admin} recent={live.recentTraces} traceId={traceId} onSelectTrace={setTraceId} />,
    shop: <ShopView admin={admin} live={live} onOpenTrace={openTrace} />,
  };

  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Agora console
        </div>
        <Tabs current={tab} onChange={setTab} />
        <div className="header-end">
          <LiveIndicator live={live} />
          <span className="muted small user" title={session.user.email}>
            {session.user.email}
          </span>
          <button type="button" className="link-button" onClick={signOut} data-testid="signout">
            Sign out
          </button>
        </div>
      </header>
      <main id={`panel-${tab}`} role="tabpanel" aria-labelledby={`tab-${tab}`} className="app-main">
        {views[tab]}
      </main>
    </div>
  );
}

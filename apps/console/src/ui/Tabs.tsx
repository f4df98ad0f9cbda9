import { useCallback, useEffect, useState } from 'react';

export const TABS = [
  { name: 'topology', label: 'Topology' },
  { name: 'sagas', label: 'Sagas' },
  { name: 'traces', label: 'Traces' },
  { name: 'shop', label: 'Shop' },
] as const;

export type TabName = (typeof TABS)[number]['name'];

const isTab = (value: string): value is TabName => TABS.some((tab) => tab.name === value);
const fromHash = (): TabName => {
  const name = location.hash.replace(/^#\/?/, '');
  return isTab(name) ? name : 'topology';
};

/** The open tab, kept in the URL's hash so a reload or a shared link opens the same one. */
export function useTab(): [TabName, (tab: TabName) => void] {
  const [tab, setTab] = useState<TabName>(fromHash);
  useEffect(() => {
    const follow = () => setTab(fromHash());
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  const change = useCallback((next: TabName) => {
    history.replaceState(null, '', `#${next}`);
    setTab(next);
  }, []);
  return [tab, change];
}

/** The views, as buttons: reachable with Tab, switched with Enter or Space, arrows move along. */
export function Tabs({ current, onChange }: { current: TabName; onChange: (tab: TabName) => void }) {
  const move = (from: number, step: number) => {
    const next = TABS[(from + step + TABS.length) % TABS.length];
    if (!next) return;
    onChange(next.name);
    document.getElementById(`tab-${next.name}`)?.focus();
  };
  return (
    <nav className="tabs" role="tablist" aria-label="Views">
      {TABS.map((tab, index) => (
        <button
          key={tab.name}
          id={`tab-${tab.name}`}
          type="button"
          role="tab"
          aria-selected={tab.name === current}
          aria-controls={`panel-${tab.name}`}
          className={`tab${tab.name === current ? ' is-current' : ''}`}
          onClick={() => onChange(tab.name)}
          onKeyDown={(event) => {
            if (event.key === 'ArrowRight') move(index, 1);
            if (event.key === 'ArrowLeft') move(index, -1);
          }}
          data-testid={`tab-${tab.name}`}
        >
          {tab.label}
        </button>
      ))}
    </nav>
  );
}

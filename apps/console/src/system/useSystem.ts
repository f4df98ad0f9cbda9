import { useCallback, useMemo } from 'react';
import type { AdminApi } from '../api/admin.ts';
import type { Faults } from '../api/types.ts';
import { usePoll } from '../api/usePoll.ts';

/** Instances come and go (split topology, deploys); the graph is re-read this often. */
const TOPOLOGY_MS = 10_000;
const SERVICES_MS = 2_000;

export function useTopology(admin: AdminApi) {
  return usePoll('topology', useCallback((signal: AbortSignal) => admin.topology(signal), [admin]), TOPOLOGY_MS);
}

/** Every service's readiness, faults, breakers and run state, over all its instances. */
export function useServiceStatuses(admin: AdminApi) {
  const polled = usePoll('services', useCallback((signal: AbortSignal) => admin.services(signal), [admin]), SERVICES_MS);
  const items = polled.data?.items;
  const faults = useMemo(() => new Map<string, Faults>((items ?? []).flatMap((item) => (item.faults ? [[item.service, item.faults]] : []))), [items]);
  return { ...polled, items, faults };
}

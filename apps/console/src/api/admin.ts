import { api } from './client.ts';
import type { Faults, LogLine, OrderSummary, RunState, Saga, ServiceContract, ServiceStatus, Topology, Trace, TrafficStatus } from './types.ts';

/** The operator API: every call takes the admin token. */
export function adminApi(token: string) {
  const get = <T>(path: string, signal?: AbortSignal) => api<T>(path, { token, signal });
  const service = (name: string) => `/api/v1/admin/services/${encodeURIComponent(name)}`;
  return {
    topology: (signal?: AbortSignal) => get<Topology>('/api/v1/admin/topology', signal),
    services: (signal?: AbortSignal) => get<{ items: ServiceStatus[] }>('/api/v1/admin/services', signal),
    setFaults: (name: string, faults: Faults) => api<Faults>(`${service(name)}/faults`, { token, method: 'PUT', body: faults }),
    stop: (name: string) => api<RunState>(`${service(name)}/stop`, { token, method: 'POST' }),
    start: (name: string) => api<RunState>(`${service(name)}/start`, { token, method: 'POST' }),
    contract: (name: string, signal?: AbortSignal) => get<ServiceContract>(`${service(name)}/contract`, signal),
    logs: (name: string, traceId: string, signal?: AbortSignal) => {
      const query = new URLSearchParams({ limit: '200', ...(traceId ? { traceId } : {}) });
      return get<{ items: LogLine[] }>(`${service(name)}/logs?${query}`, signal);
    },
    trace: (traceId: string, signal?: AbortSignal) => get<Trace>(`/api/v1/admin/traces/${encodeURIComponent(traceId)}`, signal),
    orders: (signal?: AbortSignal) => get<{ items: OrderSummary[] }>('/api/v1/admin/orders?limit=50', signal),
    saga: (orderId: string, signal?: AbortSignal) => get<Saga>(`/api/v1/admin/orders/${encodeURIComponent(orderId)}/saga`, signal),
    traffic: (signal?: AbortSignal) => get<TrafficStatus>('/api/v1/admin/traffic', signal),
    setTraffic: (rate: number) => api<TrafficStatus>('/api/v1/admin/traffic', { token, method: 'PUT', body: { rate } }),
    stopTraffic: () => api<TrafficStatus>('/api/v1/admin/traffic', { token, method: 'DELETE' }),
  };
}

export type AdminApi = ReturnType<typeof adminApi>;

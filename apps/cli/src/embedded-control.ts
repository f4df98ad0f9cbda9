import { problems, type EmbeddedSystem } from '@agora/chassis';
import type { ServiceControl } from '@agora/gateway';

/**
 * Stopping a service of the embedded topology: it is suspended inside this process (no process of
 * its own to stop), which callers, consumers and readiness see as a stopped process.
 */
export function embeddedControl(system: EmbeddedSystem): ServiceControl {
  return {
    async stop(service) {
      if (!(await system.suspend(service))) throw problems.conflict(`${service} is stopped already`);
      return { processes: [], services: [service] };
    },
    async start(service) {
      if (!(await system.resume(service))) throw problems.conflict(`${service} is running already`);
      return { processes: [], services: [service] };
    },
    stopped: () => system.suspended(),
  };
}

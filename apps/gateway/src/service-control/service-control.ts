import type { ControlOutcome } from '../console-api/contract.ts';

/**
 * Stopping and starting services on an operator's order (chaos), given to the gateway by whatever
 * runs the services: the embedded topology pauses a service in-process, the split supervisor stops
 * and restarts its processes. A gateway on its own runs nothing and gets none.
 */
export interface ServiceControl {
  /** Stops it as a failure would; throws a 409 problem when it is stopped already. */
  stop(service: string): Promise<ControlOutcome>;
  /** Starts it again and resolves once it serves; throws a 409 problem when it runs. */
  start(service: string): Promise<ControlOutcome>;
  /** The services stopped now. */
  stopped(): string[];
}

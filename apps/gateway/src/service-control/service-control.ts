/** What stopping or starting a service did. */
export interface ControlOutcome {
  /** The processes stopped or started (ids of the supervisor's process table); none when the service is paused inside this process. */
  processes: string[];
  /** Every service that went with them: a process may host several (the mixed topology's monolith). */
  services: string[];
}

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

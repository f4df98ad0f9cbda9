import type { EmbeddedSystem } from '@agora/chassis';
import type { PlatformConfig } from './platform-config.ts';

/** A started shop, whatever its topology: where it answers, and how to stop all of it. */
export interface RunningShop {
  url: string;
  config: PlatformConfig;
  /** The services, when they run in this process (embedded topology). */
  system?: EmbeddedSystem;
  stop(): Promise<void>;
}

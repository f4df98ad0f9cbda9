/** How a deploy ended: `rolled back` and `failed` exit 1, the others 0. */
export interface DeployResult {
  outcome: 'deployed' | 'rolled back' | 'failed' | 'unchanged';
  detail: string;
}

/** The port every Agora container listens on (the image sets PORT and SERVICE_PORT to it). */
export const HTTP_PORT = 8080;

/** The labels that identify a workload's pods; Services, policies and budgets select by them. */
export function podLabels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'agora' };
}

const PALETTE = ['#3b82c4', '#2f9e77', '#c7791f', '#8a5cc7', '#c2477a', '#2b9bb0', '#6b7f2a', '#a1603a'];

/** A colour per service of one trace, distinct for the first eight, in order of appearance. */
export function colourFor(services: string[]): (service: string) => string {
  return (service) => PALETTE[Math.max(services.indexOf(service), 0) % PALETTE.length] ?? '#64748b';
}

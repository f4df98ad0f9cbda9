/** One release of a service and its share of the traffic. */
export interface Release {
  version: string;
  weight: number;
}

/** Share of a service's traffic per release of it: `[{ version: '1.4.0', weight: 90 }, { version: '1.5.0', weight: 10 }]`. */
export type RouteWeights = Map<string, Release[]>;

const SERVICE = /^[a-z]+$/;
const VERSION = /^[A-Za-z0-9._-]+$/;

/**
 * Parses `ROUTE_WEIGHTS`: per service, releases and their weights, e.g.
 * `orders=1.4.0:90,1.5.0:10;catalog=stable:95,canary:5`. Returns the problems found instead of
 * throwing, so configuration checking can name every one of them.
 */
export function parseRouteWeights(text: string): { weights: RouteWeights; problems: string[] } {
  const weights: RouteWeights = new Map();
  const problems: string[] = [];
  for (const part of text.split(';').map((entry) => entry.trim()).filter(Boolean)) {
    const [service, releases] = part.split('=', 2).map((piece) => piece.trim());
    if (!service || !SERVICE.test(service) || !releases) {
      problems.push(`"${part}" is not <service>=<version>:<weight>,…`);
      continue;
    }
    const split = releases.split(',').map((release) => {
      const [version = '', weight = ''] = release.split(':').map((piece) => piece.trim());
      return { version, weight: Number(weight), text: release };
    });
    const bad = split.filter((release) => !VERSION.test(release.version) || !Number.isFinite(release.weight) || release.weight < 0);
    if (bad.length > 0 || split.every((release) => release.weight === 0)) {
      problems.push(`${service}: ${bad.length > 0 ? bad.map((release) => `"${release.text}"`).join(', ') + ' is not <version>:<weight ≥ 0>' : 'every weight is 0'}`);
      continue;
    }
    weights.set(service, split.map(({ version, weight }) => ({ version, weight })));
  }
  return { weights, problems };
}

/**
 * Picks a release by weight among those that have a live instance (an absent release's share goes
 * to the others in proportion), or undefined when no weighted release is up: then any instance serves.
 */
export function pickRelease(releases: Release[], live: Set<string>, random = Math.random()): string | undefined {
  const available = releases.filter((release) => release.weight > 0 && live.has(release.version));
  const total = available.reduce((sum, release) => sum + release.weight, 0);
  let point = random * total;
  for (const release of available) {
    point -= release.weight;
    if (point < 0) return release.version;
  }
  return available.at(-1)?.version;
}

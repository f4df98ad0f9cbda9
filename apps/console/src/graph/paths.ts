import { Position } from '@xyflow/react';

export interface Point {
  x: number;
  y: number;
}

export interface Curve {
  /** SVG path data. */
  d: string;
  /** The point at `t` (0 at the source, 1 at the target): where labels sit and dots travel. */
  at(t: number): Point;
}

const DIRECTION: Record<Position, Point> = {
  [Position.Left]: { x: -1, y: 0 },
  [Position.Right]: { x: 1, y: 0 },
  [Position.Top]: { x: 0, y: -1 },
  [Position.Bottom]: { x: 0, y: 1 },
};

/**
 * A cubic Bézier that leaves the source and enters the target along their handles' sides; when
 * both ends are level it is a straight line. Computed here (not taken from the graph library) so
 * that labels and moving dots can be placed anywhere along it.
 */
export function curve(source: Point, sourceSide: Position, target: Point, targetSide: Position): Curve {
  const reach = Math.max(Math.abs(target.x - source.x), Math.abs(target.y - source.y)) * 0.5;
  const out = DIRECTION[sourceSide];
  const into = DIRECTION[targetSide];
  const c1 = { x: source.x + out.x * reach, y: source.y + out.y * reach };
  const c2 = { x: target.x + into.x * reach, y: target.y + into.y * reach };
  return {
    d: `M${source.x},${source.y} C${c1.x},${c1.y} ${c2.x},${c2.y} ${target.x},${target.y}`,
    at(t) {
      const u = 1 - t;
      const a = u * u * u;
      const b = 3 * u * u * t;
      const c = 3 * u * t * t;
      const e = t * t * t;
      return { x: a * source.x + b * c1.x + c * c2.x + e * target.x, y: a * source.y + b * c1.y + c * c2.y + e * target.y };
    },
  };
}

/**
 * The point `distance` to the left of the target along a curve that runs rightwards (found by
 * bisection on t); the source when the curve is shorter than that.
 */
export function pointBefore(path: Curve, target: Point, distance: number): Point {
  let low = 0;
  let high = 1;
  for (let step = 0; step < 24; step++) {
    const middle = (low + high) / 2;
    if (path.at(middle).x < target.x - distance) low = middle;
    else high = middle;
  }
  return path.at(low);
}

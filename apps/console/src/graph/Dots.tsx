import { useEffect, useRef } from 'react';
import type { Pulse } from './model.ts';
import type { Curve } from './paths.ts';

/** How long one dot takes from source to target. */
const TRAVEL_MS = 900;

interface Dot {
  start: number;
  error: boolean;
  element: SVGCircleElement;
}

const reducedMotion = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

/**
 * Moves one dot along the edge per request or event of the latest tick, spread over the tick's
 * window. Positions are set on the elements directly, once per frame, so the page does not
 * re-render sixty times a second.
 */
export function Dots({ pulse, path }: { pulse: Pulse | undefined; path: Curve }) {
  const group = useRef<SVGGElement>(null);
  const dots = useRef<Dot[]>([]);
  const frame = useRef<number | undefined>(undefined);
  const pathRef = useRef(path);
  pathRef.current = path;

  useEffect(() => {
    const layer = group.current;
    if (!pulse || !layer || reducedMotion) return;
    const now = performance.now();
    const step = pulse.spreadMs / pulse.dots.length;
    for (const [index, error] of pulse.dots.entries()) {
      const element = document.createElementNS('http://www.w3.org/2000/svg', 'circle');
      element.setAttribute('r', '4');
      element.setAttribute('class', error ? 'dot dot-error' : 'dot');
      element.setAttribute('data-testid', 'edge-dot');
      element.style.visibility = 'hidden';
      layer.appendChild(element);
      dots.current.push({ start: now + index * step, error, element });
    }
    const animate = (time: number) => {
      dots.current = dots.current.filter((dot) => {
        const progress = (time - dot.start) / TRAVEL_MS;
        if (progress >= 1) {
          dot.element.remove();
          return false;
        }
        if (progress >= 0) {
          const point = pathRef.current.at(progress);
          dot.element.setAttribute('cx', String(point.x));
          dot.element.setAttribute('cy', String(point.y));
          dot.element.style.visibility = 'visible';
        }
        return true;
      });
      frame.current = dots.current.length > 0 ? requestAnimationFrame(animate) : undefined;
    };
    if (frame.current === undefined) frame.current = requestAnimationFrame(animate);
    // The key changes with every tick; dots of earlier ticks finish their run.
  }, [pulse?.key]);

  useEffect(
    () => () => {
      if (frame.current !== undefined) cancelAnimationFrame(frame.current);
      frame.current = undefined;
      for (const dot of dots.current) dot.element.remove();
      dots.current = [];
    },
    [],
  );

  return <g ref={group} className="dots" aria-hidden="true" />;
}

const WIDTH = 120;
const HEIGHT = 28;

/** The shape of the last minute of one number; the latest value is drawn as a dot. */
export function Sparkline({ values, label, tone = 'default' }: { values: number[]; label: string; tone?: 'default' | 'error' }) {
  const max = Math.max(...values, 0);
  const step = values.length > 1 ? WIDTH / (values.length - 1) : 0;
  const y = (value: number) => HEIGHT - 2 - (max > 0 ? (value / max) * (HEIGHT - 4) : 0);
  const points = values.map((value, index) => `${(index * step).toFixed(1)},${y(value).toFixed(1)}`).join(' ');
  const last = values.at(-1);
  return (
    <svg className={`sparkline tone-${tone}`} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width={WIDTH} height={HEIGHT} role="img" aria-label={label}>
      {values.length > 1 && <polyline points={points} fill="none" />}
      {last !== undefined && <circle cx={(values.length - 1) * step} cy={y(last)} r="2.5" />}
    </svg>
  );
}

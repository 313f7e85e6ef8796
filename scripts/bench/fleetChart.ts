/** One fleet run: when each rotation finished, in ms from the first RotateSecret. */
export interface FleetSeries {
  readonly label: string;
  readonly finishedAtMs: readonly number[];
}

const COLORS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a'];

/** Completed rotations over time, one line per fleet size, as a small standalone SVG. */
export function fleetChart(series: readonly FleetSeries[]): string {
  const width = 640;
  const height = 360;
  const pad = { left: 56, right: 16, top: 24, bottom: 40 };
  const maxX = Math.max(1, ...series.flatMap((s) => s.finishedAtMs)) / 1000;
  const maxY = Math.max(1, ...series.map((s) => s.finishedAtMs.length));
  const x = (seconds: number) => pad.left + (seconds / maxX) * (width - pad.left - pad.right);
  const y = (count: number) => height - pad.bottom - (count / maxY) * (height - pad.top - pad.bottom);
  const lines = series.map((s, i) => {
    const points = [...s.finishedAtMs]
      .sort((a, b) => a - b)
      .map((ms, n) => `${x(ms / 1000).toFixed(1)},${y(n + 1).toFixed(1)}`);
    const color = COLORS[i % COLORS.length];
    return (
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${x(0)},${y(0)} ${points.join(' ')}"/>` +
      `<text x="${pad.left + 8}" y="${pad.top + 16 * (i + 1)}" fill="${color}" font-size="12">${s.label}</text>`
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`,
    '<title>Rotations completed over time, per fleet size</title>',
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<line x1="${pad.left}" y1="${y(0)}" x2="${width - pad.right}" y2="${y(0)}" stroke="#333"/>`,
    `<line x1="${pad.left}" y1="${y(0)}" x2="${pad.left}" y2="${pad.top}" stroke="#333"/>`,
    `<text x="${width / 2}" y="${height - 8}" text-anchor="middle" font-size="12">seconds since the first RotateSecret (0 – ${maxX.toFixed(1)})</text>`,
    `<text x="14" y="${height / 2}" transform="rotate(-90 14 ${height / 2})" text-anchor="middle" font-size="12">rotations completed (0 – ${maxY})</text>`,
    ...lines,
    '</svg>',
    '',
  ].join('\n');
}

/**
 * The run's self-contained HTML report: SVG charts generated here (loss, accuracy, learning rate),
 * the confusion matrix and sample predictions with their images as data URIs. It loads nothing:
 * no script, stylesheet, font or image comes from outside the file.
 */
import type { Evaluation } from './evaluate.js';
import type { EpochMetrics, StepPoint } from './outputs.js';

export interface Sample { image: string; label: string; predicted: string; probability: number; correct: boolean }

interface Series { name: string; color: string; points: [number, number][] }

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Downsamples a long series to at most `max` points (mean of each bucket) so the SVG stays small. */
function thin(points: [number, number][], max = 400): [number, number][] {
  if (points.length <= max) return points;
  const k = Math.ceil(points.length / max), out: [number, number][] = [];
  for (let i = 0; i < points.length; i += k) {
    const chunk = points.slice(i, i + k);
    out.push([chunk[chunk.length - 1][0], chunk.reduce((a, p) => a + p[1], 0) / chunk.length]);
  }
  return out;
}

const nice = (v: number) => (Math.abs(v) >= 100 || v === 0 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toPrecision(3) : v.toPrecision(2));

/** A line chart as an SVG element: axes with 5 ticks each, one polyline per series, a legend. */
export function lineChart(title: string, xLabel: string, series: Series[], opts: { yMin?: number; yMax?: number } = {}): string {
  const W = 520, H = 280, L = 56, R = 12, T = 28, B = 40;
  const all = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
  if (all.length === 0) return `<svg class="chart" role="img" aria-label="${esc(title)}" width="${W}" height="${H}"><text x="${W / 2}" y="${H / 2}" text-anchor="middle">${esc(title)}: no data</text></svg>`;
  let x0 = Math.min(...all.map((p) => p[0])), x1 = Math.max(...all.map((p) => p[0]));
  let y0 = opts.yMin ?? Math.min(...all.map((p) => p[1])), y1 = opts.yMax ?? Math.max(...all.map((p) => p[1]));
  if (x0 === x1) { x0 -= 1; x1 += 1; }
  if (y0 === y1) { y0 -= Math.abs(y0) * 0.1 || 1; y1 += Math.abs(y1) * 0.1 || 1; }
  const sx = (x: number) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const sy = (y: number) => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
  const ticks = [0, 1, 2, 3, 4].map((i) => i / 4);
  // Steps and epochs are integers: their ticks are too (and drawn once each).
  const integerX = all.every(([x]) => Number.isInteger(x));
  const xTicks = [...new Set(ticks.map((f) => x0 + f * (x1 - x0)).map((x) => (integerX ? Math.round(x) : x)))];
  const grid = ticks.map((f) => {
    const y = y0 + f * (y1 - y0);
    return `<line x1="${L}" x2="${W - R}" y1="${sy(y)}" y2="${sy(y)}" class="grid"/><text x="${L - 6}" y="${sy(y) + 4}" text-anchor="end">${nice(y)}</text>`;
  }).join('') + xTicks.map((x) => `<text x="${sx(x)}" y="${H - B + 16}" text-anchor="middle">${nice(x)}</text>`).join('');
  const lines = series.map((s) => {
    const pts = thin(s.points).filter(([, y]) => Number.isFinite(y));
    const path = pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    const dots = pts.length <= 30 ? pts.map(([x, y]) => `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${s.color}"/>`).join('') : '';
    return `<polyline class="series" data-series="${esc(s.name)}" fill="none" stroke="${s.color}" stroke-width="1.6" points="${path}"/>${dots}`;
  }).join('');
  const legend = series.map((s, i) => `<rect x="${L + 8 + i * 130}" y="8" width="12" height="4" fill="${s.color}"/><text x="${L + 24 + i * 130}" y="14">${esc(s.name)}</text>`).join('');
  return `<svg class="chart" role="img" aria-label="${esc(title)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">`
    + `<text x="${W - R}" y="14" text-anchor="end" class="title">${esc(title)}</text>${legend}${grid}`
    + `<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" class="axis"/><line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" class="axis"/>`
    + `${lines}<text x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle">${esc(xLabel)}</text></svg>`;
}

function confusionTable(e: Evaluation, classes: string[]): string {
  const max = Math.max(1, ...e.confusion.flat());
  const head = `<tr><th>true \\ predicted</th>${classes.map((c) => `<th>${esc(c)}</th>`).join('')}<th>accuracy</th></tr>`;
  const rows = e.confusion.map((row, i) => `<tr><th>${esc(classes[i])}</th>${row.map((v, j) => {
    const a = v / max;
    const bg = i === j ? `rgba(34,139,34,${(0.15 + 0.85 * a).toFixed(2)})` : `rgba(200,40,40,${(v ? 0.1 + 0.9 * a : 0).toFixed(2)})`;
    return `<td style="background:${bg}">${v}</td>`;
  }).join('')}<td>${(100 * e.perClass[i].accuracy).toFixed(1)}%</td></tr>`).join('');
  return `<table class="confusion">${head}${rows}</table>`;
}

export function renderReport(r: { title: string; config: object; classes: string[]; history: EpochMetrics[]; steps: StepPoint[]; final: Evaluation; samples: Sample[]; onnx: string | null }): string {
  const epochs = r.history;
  const charts = [
    lineChart('loss', 'step (epochs at their last step)', [
      { name: 'train (per step)', color: '#4878d0', points: r.steps.map((s) => [s.step, s.loss]) },
      { name: 'test (per epoch)', color: '#d65f5f', points: epochs.map((m, i) => [r.steps.length ? Math.round(((i + 1) * r.steps.length) / epochs.length) : m.epoch, m.testLoss]) },
    ]),
    lineChart('accuracy', 'epoch', [
      { name: 'train', color: '#4878d0', points: epochs.map((m) => [m.epoch, m.trainAccuracy]) },
      { name: 'test', color: '#d65f5f', points: epochs.map((m) => [m.epoch, m.testAccuracy]) },
    ]),
    lineChart('learning rate', 'step', [{ name: 'lr', color: '#6acc64', points: r.steps.map((s) => [s.step, s.lr]) }]),
  ];
  const table = `<table class="epochs"><tr><th>epoch</th><th>train loss</th><th>train acc</th><th>test loss</th><th>test acc</th><th>lr</th><th>img/s</th></tr>${epochs.map((m) =>
    `<tr><td>${m.epoch}</td><td>${m.trainLoss.toFixed(4)}</td><td>${(100 * m.trainAccuracy).toFixed(2)}%</td><td>${m.testLoss.toFixed(4)}</td><td>${(100 * m.testAccuracy).toFixed(2)}%</td><td>${m.lr.toPrecision(3)}</td><td>${m.imagesPerSecond.toFixed(0)}</td></tr>`).join('')}</table>`;
  const samples = r.samples.map((s) => `<figure class="${s.correct ? 'ok' : 'bad'}"><img src="${s.image}" width="64" height="64" alt="${esc(s.label)}"><figcaption>${esc(s.predicted)} ${(100 * s.probability).toFixed(0)}%<br><small>true: ${esc(s.label)}</small></figcaption></figure>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)} — flambeau-train</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1150px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
.charts{display:flex;flex-wrap:wrap;gap:12px}
.chart text{font-size:11px;fill:#444}.chart .title{font-weight:600;font-size:12px}.chart .grid{stroke:#eee}.chart .axis{stroke:#999}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 7px;text-align:right}
.samples{display:flex;flex-wrap:wrap;gap:10px}figure{margin:0;text-align:center;width:92px}
figure img{image-rendering:pixelated;border:3px solid #2a2}figure.bad img{border-color:#c33}
pre{background:#f6f6f6;padding:8px;overflow:auto}
</style></head><body>
<h1>${esc(r.title)}</h1>
<p>Test accuracy <b id="test-accuracy">${(100 * r.final.accuracy).toFixed(2)}%</b> (${r.final.correct}/${r.final.total}) after ${epochs.length} epochs.${r.onnx ? ` Exported to <code>${esc(r.onnx)}</code>.` : ''}</p>
<div class="charts">${charts.join('\n')}</div>
<h2>Epochs</h2>${table}
<h2>Confusion matrix</h2>${confusionTable(r.final, r.classes)}
<h2>Sample predictions</h2><div class="samples">${samples}</div>
<h2>Configuration</h2><pre>${esc(JSON.stringify(r.config, null, 2))}</pre>
</body></html>
`;
}

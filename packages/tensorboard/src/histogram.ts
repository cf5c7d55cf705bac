import { ValueError } from '@flambeau/tensor';
import type { HistogramProto } from './proto.js';

/** `'tensorflow'` (PyTorch's default exponential buckets) or a number of equal-width bins. */
export type Bins = 'tensorflow' | number;

/** PyTorch's `SummaryWriter.default_bins`: ±1e-12 growing by 1.1 up to 1e20, and 0. */
const TENSORFLOW_EDGES = (() => {
  const pos: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) pos.push(v);
  return [...pos.map((v) => -v).reverse(), 0, ...pos];
})();

/**
 * `make_histogram(values, bins)` of torch.utils.tensorboard: numpy's histogram over the edges,
 * empty buckets trimmed at both ends (one empty bucket kept on the left so TensorBoard, which
 * stores right limits only, still sees the leftmost edge).
 */
export function histogram(values: ArrayLike<number>, bins: Bins): HistogramProto {
  const n = values.length;
  if (n === 0) throw new ValueError('The histogram is empty, please file a bug report.');
  let min = Infinity, max = -Infinity, sum = 0, sumSquares = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new ValueError(`add_histogram: value ${v} at index ${i} is not finite`);
    min = Math.min(min, v); max = Math.max(max, v); sum += v; sumSquares += v * v;
  }
  let edges: number[];
  if (bins === 'tensorflow') edges = TENSORFLOW_EDGES;
  else {
    if (!Number.isInteger(bins) || bins < 1) throw new ValueError(`bins must be 'tensorflow' or a positive integer, got ${bins}`);
    const lo = min === max ? min - 0.5 : min, hi = min === max ? max + 0.5 : max;
    edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  }
  const counts = new Array<number>(edges.length - 1).fill(0);
  const last = edges.length - 1;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v < edges[0] || v > edges[last]) continue;
    // Binary search for the bucket [e_k, e_{k+1}); the last bucket is closed, as numpy's.
    let a = 0, b = last;
    while (b - a > 1) { const m = (a + b) >> 1; if (v >= edges[m]) a = m; else b = m; }
    counts[a]++;
  }
  let start = counts.findIndex((c) => c > 0);
  if (start < 0) start = 0;
  let end = counts.length - 1;
  while (end > start && counts[end] === 0) end--;
  const bucket = start > 0 ? counts.slice(start - 1, end + 1) : [0, ...counts.slice(0, end + 1)];
  const bucketLimit = edges.slice(start, end + 2);
  return { min, max, num: n, sum, sumSquares, bucketLimit, bucket };
}

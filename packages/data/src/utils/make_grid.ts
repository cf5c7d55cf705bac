import { type Args, Tensor, ValueError, allocArray, declare, fromArray, parseArgs, stack } from '@flambeau/tensor';

export interface MakeGridOptions {
  nrow?: number;
  padding?: number;
  normalize?: boolean;
  valueRange?: readonly [number, number] | null;
  scaleEach?: boolean;
  padValue?: number;
}

/** make_grid's parameters after `tensor`; save_image takes them by name. */
export const GRID_PARAMS = 'int nrow=8, int padding=2, bool normalize=False, float[]? valueRange=None, bool scaleEach=False, float padValue=0.0';
const MAKE_GRID = declare('torchvision.utils.makeGrid', `make_grid(Tensor|Tensor[] tensor, ${GRID_PARAMS})`);
/** make_grid's tail, positional in torchvision's order or as one options object. */
export type MakeGridArgs = Args<[nrow: number, padding: number, normalize: boolean, valueRange: readonly [number, number] | null, scaleEach: boolean, padValue: number], MakeGridOptions>;

/**
 * `torchvision.utils.make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None,
 * scale_each=False, pad_value=0)`: a `[B, C, H, W]` batch (or list of `[C, H, W]`) laid out as one
 * `[3, H', W']` image, single-channel inputs repeated to RGB.
 *
 * @example saveImage(makeGrid(batch, { nrow: 4, normalize: true }), 'grid.png')
 */
export function makeGrid(input: Tensor | readonly Tensor[], ...rest: MakeGridArgs): Tensor {
  const { nrow, padding, normalize, valueRange, scaleEach, padValue } = parseArgs(MAKE_GRID, [input, ...rest]) as Required<MakeGridOptions>;
  let t = input instanceof Tensor ? input : stack([...input], 0);
  if (t.ndim === 2) t = t.unsqueeze(0);
  if (t.ndim === 3) t = (t.shape[0] === 1 ? t.expand(3, -1, -1) : t).unsqueeze(0);
  if (t.ndim !== 4) throw new ValueError(`make_grid expects a 2-, 3- or 4-D tensor, got shape [${t.shape.join(', ')}]`);
  if (t.shape[1] === 1) t = t.expand(-1, 3, -1, -1);
  const [n, c, h, w] = t.shape;
  const src = Float64Array.from(t.contiguous().dataSync());
  const f = t.dtype === 'float32' ? Math.fround : (v: number) => v;
  if (normalize) {
    const norm = (from: number, to: number) => {
      let lo: number, hi: number;
      if (valueRange) [lo, hi] = valueRange;
      else { lo = Infinity; hi = -Infinity; for (let i = from; i < to; i++) { lo = Math.min(lo, src[i]); hi = Math.max(hi, src[i]); } }
      const flo = f(lo), fhi = f(hi), d = f(Math.max(hi - lo, 1e-5));
      for (let i = from; i < to; i++) src[i] = f(f(Math.min(fhi, Math.max(flo, src[i])) - flo) / d);
    };
    const per = c * h * w;
    if (scaleEach) for (let k = 0; k < n; k++) norm(k * per, (k + 1) * per);
    else norm(0, src.length);
  }
  if (n === 1) return fromArray(allocFrom(t, src), [c, h, w], { dtype: t.dtype, device: 'cpu' });
  const xmaps = Math.min(nrow, n), ymaps = Math.ceil(n / xmaps);
  const H = h + padding, W = w + padding;
  const gh = H * ymaps + padding, gw = W * xmaps + padding;
  const out = allocArray(t.dtype, c * gh * gw);
  out.fill(padValue);
  for (let k = 0; k < n; k++) {
    const y = Math.floor(k / xmaps), x = k % xmaps;
    for (let ch = 0; ch < c; ch++) for (let r = 0; r < h; r++) {
      const s = ((k * c + ch) * h + r) * w;
      const o = (ch * gh + y * H + padding + r) * gw + x * W + padding;
      for (let q = 0; q < w; q++) out[o + q] = src[s + q];
    }
  }
  return fromArray(out, [c, gh, gw], { dtype: t.dtype, device: 'cpu' });
}

function allocFrom(t: Tensor, src: Float64Array) {
  const out = allocArray(t.dtype, src.length);
  out.set(src);
  return out;
}

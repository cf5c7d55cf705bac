import { writeFileSync } from 'node:fs';
import type { Tensor } from '@flambeau/tensor';
import { encodePng, makeImage } from '../image.js';
import { type MakeGridOptions, makeGrid } from './make_grid.js';

/**
 * `torchvision.utils.save_image(tensor, fp, **make_grid_kwargs)`: grids a batch (or takes one
 * `[C, H, W]` image), maps [0, 1] to bytes as `mul(255).add_(0.5).clamp_(0, 255)`, writes a PNG.
 *
 * @example saveImage(batch, 'grid.png', { nrow: 8 })
 */
export function saveImage(tensor: Tensor | readonly Tensor[], path: string, opts: MakeGridOptions = {}): void {
  const grid = makeGrid(tensor, opts);
  const [c, h, w] = grid.shape;
  const src = grid.contiguous().dataSync();
  const f = Math.fround;
  const out = new Uint8Array(h * w * c);
  for (let k = 0; k < c; k++) for (let p = 0; p < h * w; p++) {
    out[p * c + k] = Math.trunc(Math.min(255, Math.max(0, f(f(src[k * h * w + p] * 255) + 0.5))));
  }
  writeFileSync(path, encodePng(makeImage(w, h, c, out)));
}

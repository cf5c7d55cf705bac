import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { type Args, type Tensor, ValueError, declare, parseArgs } from '@flambeau/tensor';
import { encodePng, makeImage } from '../image.js';
import { GRID_PARAMS, type MakeGridOptions, makeGrid } from './make_grid.js';

const SAVE_IMAGE = declare('torchvision.utils.saveImage', `save_image(Tensor|Tensor[] tensor, str fp, str? format=None, *, ${GRID_PARAMS})`);

/**
 * `torchvision.utils.save_image(tensor, fp, **make_grid_kwargs)`: grids a batch (or takes one
 * `[C, H, W]` image), maps [0, 1] to bytes as `mul(255).add_(0.5).clamp_(0, 255)`, writes a PNG.
 *
 * @example saveImage(batch, 'grid.png', { nrow: 8 })
 */
export function saveImage(tensor: Tensor | readonly Tensor[], fp: string, ...rest: Args<[format: string | null], { format?: string | null } & MakeGridOptions>): void {
  const { tensor: t, fp: path, format, ...gridOpts } = parseArgs(SAVE_IMAGE, [tensor, fp, ...rest]);
  // PIL picks the format from the extension; only PNG is written here, so anything else is refused rather than mislabelled.
  const fmt = (format ?? extname(path).slice(1)).toLowerCase();
  if (fmt !== 'png') throw new ValueError(`save_image writes PNG only: got ${format === null ? `the file extension '${extname(path)}'` : `format '${format}'`}`);
  const grid = makeGrid(t, gridOpts);
  const [c, h, w] = grid.shape;
  const src = grid.contiguous().dataSync();
  const f = Math.fround;
  const out = new Uint8Array(h * w * c);
  for (let k = 0; k < c; k++) for (let p = 0; p < h * w; p++) {
    out[p * c + k] = Math.trunc(Math.min(255, Math.max(0, f(f(src[k * h * w + p] * 255) + 0.5))));
  }
  writeFileSync(path, encodePng(makeImage(w, h, c, out)));
}

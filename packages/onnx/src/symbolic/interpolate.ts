import { Upsample } from '@flambeau/nn';
import { registerModule } from '../registry.js';
import { dynamicDims } from './helpers.js';

/**
 * Upsample as one Resize: nearest is PyTorch's floor of `asymmetric` coordinates; linear modes
 * use `pytorch_half_pixel` (or `align_corners`); bicubic's a = -0.75 is ONNX's default.
 */
registerModule([Upsample], (g, c) => {
  const m = c.module as Upsample;
  const x = c.inputs[0];
  const rank = x.shape.length;
  const spatial = rank - 2;
  const mode = m.mode as string;
  const onnxMode = mode === 'nearest' ? 'nearest' : mode === 'bicubic' ? 'cubic' : mode === 'linear' || mode === 'bilinear' || mode === 'trilinear' ? 'linear' : g.fail(`mode '${mode}' is not exported`);
  const attrs: Record<string, string> = {
    mode: onnxMode,
    coordinate_transformation_mode: mode === 'nearest' ? 'asymmetric' : m.alignCorners ? 'align_corners' : 'half_pixel',
  };
  if (mode === 'nearest') attrs.nearest_mode = 'floor';
  const out = c.outputs[0];
  let sizes = '';
  let scales = '';
  if (m.scaleFactor !== null && m.scaleFactor !== undefined) {
    const s = Array.isArray(m.scaleFactor) ? (m.scaleFactor as number[]) : new Array<number>(spatial).fill(m.scaleFactor as number);
    scales = g.constant('float32', [rank], [1, 1, ...s]);
  } else {
    if (dynamicDims(out).some((d) => d >= 2)) g.fail('a target size that follows a dynamic axis is not exported');
    const head = g.dims(x.name, 0, 2);
    sizes = g.op('Concat', [head, g.i64(out.shape.slice(2))], { axis: 0 });
  }
  return g.op('Resize', [x.name, '', scales, sizes].slice(0, sizes ? 4 : 3), attrs);
});

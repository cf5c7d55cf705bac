import { registerOp } from '../registry.js';
import type { Call, GraphBuilder } from '../graph.js';
import { squeeze } from './helpers.js';

function convInputs(c: Call): string[] {
  return c.inputs.map((o) => o.name);
}

/** Conv: PyTorch's symmetric `padding` becomes ONNX's begin/end `pads`. */
function conv(g: GraphBuilder, c: Call): string {
  const w = c.inputs[1];
  const padding = c.attrs.padding as number[];
  if (!Array.isArray(padding)) g.fail(`padding '${String(padding)}' should have been resolved to sizes`);
  return g.op('Conv', convInputs(c), {
    kernel_shape: w.shape.slice(2), strides: c.attrs.stride as number[], pads: [...padding, ...padding],
    dilations: c.attrs.dilation as number[], group: c.attrs.groups as number,
  });
}
registerOp('conv2d', conv);
// conv1d runs as a conv2d over [N, C, 1, L] (its inputs arrive unsqueezed), then drops that dim.
registerOp('conv1d', (g, c) => squeeze(g, conv(g, c), [2]));

registerOp('convTranspose2d', (g, c) => {
  const [x, w] = c.inputs;
  const stride = c.attrs.stride as number[];
  const padding = c.attrs.padding as number[];
  const dilation = c.attrs.dilation as number[];
  const k = w.shape.slice(2);
  const out = c.outputs[0].shape;
  // The output size PyTorch picked (outputPadding/outputSize) fixes ONNX's output_padding.
  const outputPadding = k.map((kk, i) => out[i + 2] - ((x.shape[i + 2] - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kk - 1) + 1));
  return g.op('ConvTranspose', convInputs(c), {
    kernel_shape: k, strides: stride, pads: [...padding, ...padding], dilations: dilation,
    group: c.attrs.groups as number, output_padding: outputPadding,
  });
});

const PAD_MODE: Record<string, string> = { constant: 'constant', reflect: 'reflect', replicate: 'edge', circular: 'wrap' };

/** F.pad: PyTorch lists (begin, end) pairs from the last dim backwards; ONNX all begins then all ends. */
registerOp('pad', (g, c) => {
  const x = c.inputs[0];
  const rank = x.shape.length;
  const p = c.attrs.pad as number[];
  const mode = c.attrs.mode as string;
  if (mode === 'circular') g.requireOpset(19, "padding mode 'circular' (Pad mode 'wrap')");
  const begins = new Array<number>(rank).fill(0);
  const ends = new Array<number>(rank).fill(0);
  for (let i = 0; i < p.length / 2; i++) {
    begins[rank - 1 - i] = p[2 * i];
    ends[rank - 1 - i] = p[2 * i + 1];
  }
  const inputs = [x.name, g.i64([...begins, ...ends])];
  if (mode === 'constant') inputs.push(g.scalar((c.attrs.value as number | null) ?? 0, x.dtype));
  return g.op('Pad', inputs, { mode: PAD_MODE[mode] });
});

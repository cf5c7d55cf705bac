import { GRU, LSTM, RNN, type Module } from '@flambeau/nn';
import type { Tensor } from '@flambeau/tensor';
import { registerModule } from '../registry.js';
import type { Call, GraphBuilder, Operand } from '../graph.js';
import { slice, squeeze } from './helpers.js';

interface RnnConfig {
  mode: 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';
  hiddenSize: number;
  numLayers: number;
  bias: boolean;
  batchFirst: boolean;
  bidirectional: boolean;
  projSize: number;
}

// Rows of PyTorch's stacked gates, reordered into ONNX's: LSTM i,f,g,o → i,o,f,c; GRU r,z,n → z,r,h.
const GATE_ORDER: Record<RnnConfig['mode'], number[]> = { LSTM: [0, 3, 1, 2], GRU: [1, 0, 2], RNN_TANH: [0], RNN_RELU: [0] };
const ONNX_OP: Record<RnnConfig['mode'], string> = { LSTM: 'LSTM', GRU: 'GRU', RNN_TANH: 'RNN', RNN_RELU: 'RNN' };

/** Gate blocks of `rows`-row matrices (or vectors, cols = 1) put into ONNX's order. */
function reorder(v: ArrayLike<number>, order: number[], hidden: number, cols: number): number[] {
  const out: number[] = [];
  for (const gate of order) for (let i = gate * hidden * cols; i < (gate + 1) * hidden * cols; i++) out.push(v[i]);
  return out;
}

/**
 * RNN/LSTM/GRU as ONNX's recurrent ops, one node per layer (both directions in one). ONNX's
 * GRU with `linear_before_reset=1` is PyTorch's GRU; time-major layout, batchFirst transposed.
 */
function recurrent(g: GraphBuilder, c: Call): (string | null)[] {
  const m = c.module as Module & RnnConfig;
  if (m.projSize > 0) g.fail('LSTM with projSize has no ONNX op');
  const x = c.inputs[0];
  if (x.shape.length !== 3) g.fail('unbatched (2-D) input is not exported; add a batch dimension');
  const dirs = m.bidirectional ? 2 : 1;
  const H = m.hiddenSize;
  const order = GATE_ORDER[m.mode];
  const G = order.length;
  const isLstm = m.mode === 'LSTM';
  const hx = c.args[1] as Operand | Operand[] | null | undefined;
  const states: Operand[] = hx ? (Array.isArray(hx) ? hx : [hx]) : [];
  const p = (name: string): Tensor | null => c.tensor(name);
  const prefix = c.path === '' ? '' : `${c.path}.`;

  let seq = m.batchFirst ? g.op('Transpose', [x.name], { perm: [1, 0, 2] }) : x.name;
  const hN: string[] = [];
  const cN: string[] = [];
  for (let layer = 0; layer < m.numLayers; layer++) {
    const W: number[] = [];
    const R: number[] = [];
    const B: number[] = [];
    let inSize = 0;
    for (let dir = 0; dir < dirs; dir++) {
      const sfx = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
      const wIh = p(`weight_ih${sfx}`) as Tensor;
      inSize = wIh.shape[1];
      W.push(...reorder(g.read(wIh), order, H, inSize));
      R.push(...reorder(g.read(p(`weight_hh${sfx}`) as Tensor), order, H, H));
      const bIh = p(`bias_ih${sfx}`);
      const bHh = p(`bias_hh${sfx}`);
      B.push(...(bIh ? reorder(g.read(bIh), order, H, 1) : new Array<number>(G * H).fill(0)));
      B.push(...(bHh ? reorder(g.read(bHh), order, H, 1) : new Array<number>(G * H).fill(0)));
    }
    const names = ['W', 'R', 'B'].map((k) => g.freshName(`${prefix}${ONNX_OP[m.mode]}_${k}_l${layer}`));
    g.initializer(names[0], x.dtype, [dirs, G * H, inSize], W);
    g.initializer(names[1], x.dtype, [dirs, G * H, H], R);
    g.initializer(names[2], x.dtype, [dirs, 2 * G * H], B);
    const init = states.map((s) => slice(g, s.name, 0, layer * dirs, (layer + 1) * dirs));
    const attrs: Record<string, number | string | { strings: string[] }> = { hidden_size: H, direction: dirs === 2 ? 'bidirectional' : 'forward' };
    if (m.mode === 'GRU') attrs.linear_before_reset = 1;
    if (m.mode === 'RNN_RELU') attrs.activations = { strings: new Array<string>(dirs).fill('Relu') };
    const outs = g.node(ONNX_OP[m.mode], [seq, ...names, '', ...init], attrs, isLstm ? 3 : 2);
    // Y is [seq, dirs, batch, H]; the next layer and the output want [seq, batch, dirs·H].
    seq = dirs === 1 ? squeeze(g, outs[0], [1]) : g.op('Reshape', [g.op('Transpose', [outs[0]], { perm: [0, 2, 1, 3] }), g.i64([0, 0, -1])]);
    hN.push(outs[1]);
    if (isLstm) cN.push(outs[2]);
  }
  const output = m.batchFirst ? g.op('Transpose', [seq], { perm: [1, 0, 2] }) : seq;
  const cat = (xs: string[]): string => (xs.length === 1 ? xs[0] : g.op('Concat', xs, { axis: 0 }));
  return isLstm ? [output, cat(hN), cat(cN)] : [output, cat(hN)];
}

registerModule([LSTM, GRU, RNN], recurrent);

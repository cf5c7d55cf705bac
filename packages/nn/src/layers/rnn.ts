import { type Args, RuntimeError, ValueError, type Tensor, cat, declare, parseArgs, stack, zeros } from '@flambeau/tensor';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { uniform_ } from '../init.js';
import { dropout as fDropout } from '../functional/dropout.js';
import { linear } from '../functional/linear.js';
import { type FactoryOptions, factoryOf } from './linear.js';
import { pyFloat } from '../repr.js';

type Mode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';
/** One direction of one layer: the tensors of PyTorch's `_flat_weights` for it. */
interface CellWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
  wHr: Tensor | null;
}
/** h for RNN/GRU, [h, c] for LSTM. */
type State = Tensor | [Tensor, Tensor];

const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/**
 * One time step given the input projection `gi = x W_ihᵀ + b_ih`, in ATen's CPU order of
 * operations (aten/src/ATen/native/RNN.cpp) so float32 results agree with PyTorch's.
 */
function step(mode: Mode, gi: Tensor, state: State, w: CellWeights): State {
  if (mode === 'LSTM') {
    const [h, c] = state as [Tensor, Tensor];
    const [i, f, g, o] = linear(h, w.wHh, w.bHh).add(gi).chunk(4, 1);
    const cy = f.sigmoid().mul(c).add(i.sigmoid().mul(g.tanh()));
    const hy = o.sigmoid().mul(cy.tanh());
    return [w.wHr ? linear(hy, w.wHr) : hy, cy];
  }
  const h = state as Tensor;
  const gh = linear(h, w.wHh, w.bHh);
  if (mode === 'GRU') {
    const [ir, iz, inn] = gi.chunk(3, 1);
    const [hr, hz, hn] = gh.chunk(3, 1);
    const r = ir.add(hr).sigmoid();
    const z = iz.add(hz).sigmoid();
    const n = inn.add(r.mul(hn)).tanh();
    return h.sub(n).mul(z).add(n);
  }
  const pre = gh.add(gi);
  return mode === 'RNN_RELU' ? pre.relu() : pre.tanh();
}

const hiddenOf = (s: State): Tensor => (Array.isArray(s) ? s[0] : s);

/** Runs one direction over a time-major `[L, N, I]` input; returns `[L, N, H]` outputs and the last state. */
function runDirection(mode: Mode, input: Tensor, state: State, w: CellWeights, reverse: boolean): [Tensor, State] {
  const steps = input.shape[0];
  // All time steps' input projections in one matmul, as ATen does on the CPU.
  const gis = linear(input, w.wIh, w.bIh).unbind(0);
  const outs: Tensor[] = new Array(steps);
  for (let k = 0; k < steps; k++) {
    const t = reverse ? steps - 1 - k : k;
    state = step(mode, gis[t], state, w);
    outs[t] = hiddenOf(state);
  }
  return [steps === 0 ? zeros([0, input.shape[1], hiddenOf(state).shape[1]], { dtype: input.dtype, device: input.device }) : stack(outs), state];
}

const FACTORY = 'Device? device=None, ScalarType? dtype=None';
const RNN_FLAGS = 'bool bias=True, bool batchFirst=False, float dropout=0.0, bool bidirectional=False';
const RNN_TAIL = `int numLayers=1, ${RNN_FLAGS}`;
// proj_size is RNNBase's, so RNN and GRU take it too (and raise for a nonzero one, as PyTorch).
const RNN_DECL = declare('nn.RNN', `RNN(int inputSize, int hiddenSize, int numLayers=1, str nonlinearity="tanh", ${RNN_FLAGS}, int projSize=0, ${FACTORY})`);
const LSTM_DECL = declare('nn.LSTM', `LSTM(int inputSize, int hiddenSize, ${RNN_TAIL}, int projSize=0, ${FACTORY})`);
const GRU_DECL = declare('nn.GRU', `GRU(int inputSize, int hiddenSize, ${RNN_TAIL}, int projSize=0, ${FACTORY})`);
const CELL_DECL = { RNNCell: declare('nn.RNNCell', `RNNCell(int inputSize, int hiddenSize, bool bias=True, str nonlinearity="tanh", ${FACTORY})`),
  LSTMCell: declare('nn.LSTMCell', `LSTMCell(int inputSize, int hiddenSize, bool bias=True, ${FACTORY})`), GRUCell: declare('nn.GRUCell', `GRUCell(int inputSize, int hiddenSize, bool bias=True, ${FACTORY})`) };

const FORWARD = {
  RNN: declare('nn.RNN.forward', 'forward(Tensor input, Tensor? hx=None)'),
  LSTM: declare('nn.LSTM.forward', 'forward(Tensor input, Tensor[]? hx=None)'),
  GRU: declare('nn.GRU.forward', 'forward(Tensor input, Tensor? hx=None)'),
  RNNCell: declare('nn.RNNCell.forward', 'forward(Tensor input, Tensor? hx=None)'),
  LSTMCell: declare('nn.LSTMCell.forward', 'forward(Tensor input, Tensor[]? hx=None)'),
  GRUCell: declare('nn.GRUCell.forward', 'forward(Tensor input, Tensor? hx=None)'),
};
/** `forward(input, hx=None)`'s tail: the initial state, positional or `{ hx }`. */
type HxArgs<H> = Args<[hx: H | null], { hx?: H | null }>;

/** The arguments after `hidden_size`, positional in PyTorch's order or by name. */
type RNNFlags = [bias: boolean, batchFirst: boolean, dropout: number, bidirectional: boolean];
/** `proj_size` (0 but for LSTM), `device`, `dtype`. */
type RNNFactory = [projSize: number, device: FactoryOptions['device'] | null, dtype: FactoryOptions['dtype'] | null];
export type LSTMArgs = Args<[numLayers: number, ...RNNFlags, ...RNNFactory], LSTMOptions>;
export type GRUArgs = Args<[numLayers: number, ...RNNFlags, ...RNNFactory], RNNBaseOptions & { projSize?: 0 }>;
export type RNNArgs = Args<[numLayers: number, nonlinearity: 'tanh' | 'relu', ...RNNFlags, ...RNNFactory], RNNOptions & { projSize?: 0 }>;
/** A cell's `device`, `dtype` after its other parameters. */
type CellFactory = [device: FactoryOptions['device'] | null, dtype: FactoryOptions['dtype'] | null];

export interface RNNBaseOptions extends FactoryOptions {
  /** Stacked recurrent layers (default 1). */
  numLayers?: number;
  /** Whether to use `b_ih` and `b_hh` (default true). */
  bias?: boolean;
  /** Input and output as `(batch, seq, feature)` (default false). Hidden states stay `(layers, batch, hidden)`. */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training mode (default 0). */
  dropout?: number;
  /** Default false. */
  bidirectional?: boolean;
}

/**
 * Shared machinery of `RNN`, `LSTM` and `GRU` (PyTorch's `nn.RNNBase`): parameters named and laid
 * out as PyTorch's (`weight_ih_l0`, `bias_hh_l1_reverse`, gates stacked along dim 0), so state
 * dicts load both ways.
 */
export abstract class RNNBase extends Module {
  static override readonly __name__: string = 'RNNBase';
  readonly mode: Mode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;
  /** Parameter names per layer and direction, PyTorch's `_all_weights`. */
  readonly _allWeights: string[][] = [];

  /** `opts`: the layer's arguments as `parseArgs` bound them. */
  constructor(mode: Mode, opts: Record<string, any>) {
    super();
    this.mode = mode;
    const inputSize = (this.inputSize = opts.inputSize as number);
    const hiddenSize = (this.hiddenSize = opts.hiddenSize as number);
    this.numLayers = opts.numLayers;
    this.bias = opts.bias;
    this.batchFirst = opts.batchFirst;
    this.dropout = opts.dropout;
    this.bidirectional = opts.bidirectional;
    this.projSize = opts.projSize ?? 0;
    if (typeof this.dropout !== 'number' || !(this.dropout >= 0 && this.dropout <= 1)) {
      throw new ValueError('dropout should be a number in range [0, 1] representing the probability of an element being zeroed');
    }
    if (this.dropout > 0 && this.numLayers === 1) {
      console.warn(
        `dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${this.dropout} and num_layers=${this.numLayers}`,
      );
    }
    if (this.projSize !== 0 && mode !== 'LSTM') throw new ValueError('proj_size argument is only supported for LSTM, not RNN or GRU');
    if (this.projSize < 0) throw new ValueError('proj_size should be a positive integer or zero to disable projections');
    if (this.projSize >= hiddenSize) throw new ValueError('proj_size has to be smaller than hidden_size');
    const factory = factoryOf(opts);

    const gateSize = GATES[mode] * hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    const realHidden = this.projSize > 0 ? this.projSize : hiddenSize;
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let dir = 0; dir < dirs; dir++) {
        const layerInput = layer === 0 ? inputSize : realHidden * dirs;
        const suffix = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
        const params: [string, number[]][] = [
          [`weight_ih${suffix}`, [gateSize, layerInput]],
          [`weight_hh${suffix}`, [gateSize, realHidden]],
        ];
        if (this.bias) params.push([`bias_ih${suffix}`, [gateSize]], [`bias_hh${suffix}`, [gateSize]]);
        if (this.projSize > 0) params.push([`weight_hr${suffix}`, [this.projSize, hiddenSize]]);
        for (const [name, shape] of params) this.registerParameter(name, new Parameter(zeros(shape, factory)));
        this._allWeights.push(params.map(([name]) => name));
      }
    }
    this.resetParameters();
  }

  /** Every weight and bias from U(-1/√hidden, 1/√hidden), in registration order as PyTorch draws them. */
  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const w of this.parameters()) uniform_(w, -stdv, stdv);
  }

  /**
   * `rnn.flatten_parameters()`: PyTorch packs weights into one cuDNN buffer here; without cuDNN it
   * does nothing, and neither does Flambeau. Kept so ported scripts run unchanged.
   */
  flattenParameters(): void {}

  /** The parameters of each layer and direction (`rnn.all_weights`). */
  get allWeights(): Parameter[][] {
    return this._allWeights.map((names) => names.map((n) => this.param(n)));
  }

  private param(name: string): Parameter {
    return (this as unknown as Record<string, Parameter>)[name];
  }

  private cellWeights(layer: number, dir: number): CellWeights {
    const names = this._allWeights[layer * (this.bidirectional ? 2 : 1) + dir];
    const suffix = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
    const get = (n: string) => (names.includes(n + suffix) ? this.param(n + suffix) : null);
    return { wIh: get('weight_ih')!, wHh: get('weight_hh')!, bIh: get('bias_ih'), bHh: get('bias_hh'), wHr: get('weight_hr') };
  }

  /** Input checks and batching shared by the three forwards; hidden states arrive already batched. */
  protected checkInput(input: Tensor): void {
    if (input.ndim !== 3) throw new RuntimeError(`input must have 3 dimensions, got ${input.ndim}`);
    if (input.shape[2] !== this.inputSize) {
      throw new RuntimeError(`input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${input.shape[2]}`);
    }
  }

  protected checkHidden(hx: Tensor, expected: number[], what: string): void {
    if (hx.ndim !== 3 || hx.shape.some((s, i) => s !== expected[i])) {
      throw new RuntimeError(`Expected ${what} size (${expected.join(', ')}), got [${hx.shape.join(', ')}]`);
    }
  }

  /**
   * The stacked, possibly bidirectional recurrence over a batched input (`_VF.rnn_tanh`, `_VF.lstm`,
   * `_VF.gru`). `hx` holds `[numLayers * dirs, N, H]` states (LSTM: h and c).
   */
  protected runLayers(input: Tensor, hx: Tensor[]): [Tensor, Tensor[]] {
    let x = this.batchFirst ? input.transpose(0, 1) : input;
    const dirs = this.bidirectional ? 2 : 1;
    const finals: State[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outs: Tensor[] = [];
      for (let dir = 0; dir < dirs; dir++) {
        const idx = layer * dirs + dir;
        const s0: State = this.mode === 'LSTM' ? [hx[0].select(0, idx), hx[1].select(0, idx)] : hx[0].select(0, idx);
        const [out, last] = runDirection(this.mode, x, s0, this.cellWeights(layer, dir), dir === 1);
        outs.push(out);
        finals.push(last);
      }
      x = dirs === 1 ? outs[0] : cat(outs, 2);
      if (this.dropout > 0 && this.training && layer < this.numLayers - 1) x = fDropout(x, this.dropout, true);
    }
    const output = this.batchFirst ? x.transpose(0, 1) : x;
    const hN = stack(finals.map(hiddenOf));
    return [output, this.mode === 'LSTM' ? [hN, stack(finals.map((s) => (s as [Tensor, Tensor])[1]))] : [hN]];
  }

  /** Unbatched input `(L, Hin)` gets a batch dimension of 1 at `batchDim`, as PyTorch's forward does. */
  protected toBatched(input: Tensor, batchDim: number): Tensor {
    if (input.ndim === 3) return input;
    if (input.ndim !== 2) throw new RuntimeError(`input must have 3 dimensions, got ${input.ndim}`);
    return input.unsqueeze(batchDim);
  }

  /** Shared forward for RNN and GRU: one hidden tensor. */
  protected forwardSingle(input: Tensor, hx?: Tensor | null): [Tensor, Tensor] {
    const batched = input.ndim === 3;
    const batchDim = this.batchFirst ? 0 : 1;
    input = this.toBatched(input, batchDim);
    if (hx) {
      if (hx.ndim !== (batched ? 3 : 2)) {
        throw new RuntimeError(
          batched
            ? `For batched 3-D input, hx should also be 3-D but got ${hx.ndim}-D tensor`
            : `For unbatched 2-D input, hx should also be 2-D but got ${hx.ndim}-D tensor`,
        );
      }
      if (!batched) hx = hx.unsqueeze(1);
    }
    this.checkInput(input);
    const expected = [this.numLayers * (this.bidirectional ? 2 : 1), input.shape[batchDim], this.hiddenSize];
    const h0 = hx ?? zeros(expected, { dtype: input.dtype, device: input.device });
    this.checkHidden(h0, expected, 'hidden');
    const [out, [hN]] = this.runLayers(input, [h0]);
    return batched ? [out, hN] : [out.squeeze(batchDim), hN.squeeze(1)];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) s += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (this.bias !== true) s += `, bias=False`;
    if (this.batchFirst !== false) s += `, batch_first=True`;
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional !== false) s += `, bidirectional=True`;
    return s;
  }
}

export interface RNNOptions extends RNNBaseOptions {
  /** `'tanh'` (default) or `'relu'`. */
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * Elman RNN, `h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh)` (PyTorch's `nn.RNN`).
 * Call `rnn(input, h0?)` → `[output, hN]`; input `(L, N, Hin)`, `(N, L, Hin)` with `batchFirst`, or unbatched `(L, Hin)`.
 *
 * @example
 * const rnn = new nn.RNN(10, 20, { numLayers: 2 });
 * const [output, hn] = rnn(torch.randn(5, 3, 10), torch.randn(2, 3, 20));
 */
export class RNN extends RNNBase {
  static override readonly __name__: string = 'RNN';
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, ...rest: RNNArgs) {
    const opts = parseArgs(RNN_DECL, [inputSize, hiddenSize, ...rest]);
    const nl = opts.nonlinearity as string;
    if (nl !== 'tanh' && nl !== 'relu') throw new ValueError(`Unknown nonlinearity '${nl}'`);
    super(nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', opts);
    this.nonlinearity = nl;
  }
  override forward(input: Tensor, ...rest: HxArgs<Tensor>): [Tensor, Tensor] {
    return this.forwardSingle(input, parseArgs(FORWARD.RNN, [input, ...rest]).hx);
  }
}

export interface LSTMOptions extends RNNBaseOptions {
  /** If > 0, an LSTM with projections of this size (`weight_hr_l{k}`); default 0. */
  projSize?: number;
}

/**
 * Long short-term memory (PyTorch's `nn.LSTM`), gates stacked i, f, g, o.
 * Call `lstm(input, [h0, c0]?)` → `[output, [hN, cN]]`.
 *
 * @example
 * const lstm = new nn.LSTM(10, 20, { numLayers: 2, batchFirst: true });
 * const [out, [hn, cn]] = lstm(torch.randn(3, 5, 10));
 */
export class LSTM extends RNNBase {
  static override readonly __name__: string = 'LSTM';
  constructor(inputSize: number, hiddenSize: number, ...rest: LSTMArgs) {
    super('LSTM', parseArgs(LSTM_DECL, [inputSize, hiddenSize, ...rest]));
  }
  override forward(input: Tensor, ...rest: HxArgs<[Tensor, Tensor]>): [Tensor, [Tensor, Tensor]] {
    let { hx } = parseArgs(FORWARD.LSTM, [input, ...rest]) as { hx: [Tensor, Tensor] | null };
    const batched = input.ndim === 3;
    const batchDim = this.batchFirst ? 0 : 1;
    input = this.toBatched(input, batchDim);
    if (hx) {
      const want = batched ? 3 : 2;
      if (hx[0].ndim !== want || hx[1].ndim !== want) {
        throw new RuntimeError(
          batched
            ? `For batched 3-D input, hx and cx should also be 3-D but got (${hx[0].ndim}-D, ${hx[1].ndim}-D) tensors`
            : `For unbatched 2-D input, hx and cx should also be 2-D but got (${hx[0].ndim}-D, ${hx[1].ndim}-D) tensors`,
        );
      }
      if (!batched) hx = [hx[0].unsqueeze(1), hx[1].unsqueeze(1)];
    }
    this.checkInput(input);
    const n = this.numLayers * (this.bidirectional ? 2 : 1);
    const batch = input.shape[batchDim];
    const hShape = [n, batch, this.projSize > 0 ? this.projSize : this.hiddenSize];
    const cShape = [n, batch, this.hiddenSize];
    const [h0, c0] = hx ?? [zeros(hShape, { dtype: input.dtype, device: input.device }), zeros(cShape, { dtype: input.dtype, device: input.device })];
    this.checkHidden(h0, hShape, 'hidden[0]');
    this.checkHidden(c0, cShape, 'hidden[1]');
    const [out, [hN, cN]] = this.runLayers(input, [h0, c0]);
    return batched ? [out, [hN, cN]] : [out.squeeze(batchDim), [hN.squeeze(1), cN.squeeze(1)]];
  }
}

/**
 * Gated recurrent unit (PyTorch's `nn.GRU`), gates stacked r, z, n:
 * `n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))`, `h' = (1 - z) ⊙ n + z ⊙ h`.
 * Call `gru(input, h0?)` → `[output, hN]`.
 *
 * @example
 * const gru = new nn.GRU(10, 20, { bidirectional: true });
 * const [out, hn] = gru(torch.randn(5, 3, 10)); // out: [5, 3, 40], hn: [2, 3, 20]
 */
export class GRU extends RNNBase {
  static override readonly __name__: string = 'GRU';
  constructor(inputSize: number, hiddenSize: number, ...rest: GRUArgs) {
    super('GRU', parseArgs(GRU_DECL, [inputSize, hiddenSize, ...rest]));
  }
  override forward(input: Tensor, ...rest: HxArgs<Tensor>): [Tensor, Tensor] {
    return this.forwardSingle(input, parseArgs(FORWARD.GRU, [input, ...rest]).hx);
  }
}

/** Shared by the cells (PyTorch's `nn.RNNCellBase`): `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`. */
export abstract class RNNCellBase extends Module {
  static override readonly __name__: string = 'RNNCellBase';
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih!: Parameter | null;
  bias_hh!: Parameter | null;

  /** `opts`: the cell's arguments as `parseArgs` bound them. */
  constructor(opts: Record<string, any>, numChunks: number) {
    super();
    const { inputSize, hiddenSize, bias } = opts as { inputSize: number; hiddenSize: number; bias: boolean };
    const factory = factoryOf(opts);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.bias = bias;
    this.weight_ih = new Parameter(zeros([numChunks * hiddenSize, inputSize], factory));
    this.weight_hh = new Parameter(zeros([numChunks * hiddenSize, hiddenSize], factory));
    if (bias) {
      this.bias_ih = new Parameter(zeros([numChunks * hiddenSize], factory));
      this.bias_hh = new Parameter(zeros([numChunks * hiddenSize], factory));
    } else {
      this.registerParameter('bias_ih', null);
      this.registerParameter('bias_hh', null);
    }
    this.resetParameters();
  }

  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const w of this.parameters()) uniform_(w, -stdv, stdv);
  }

  protected weights(): CellWeights {
    return { wIh: this.weight_ih, wHh: this.weight_hh, bIh: this.bias_ih, bHh: this.bias_hh, wHr: null };
  }

  /** Batches a 1-D input; returns the batched input and whether to unbatch the result. */
  protected batchInput(input: Tensor, name: string): [Tensor, boolean] {
    if (input.ndim !== 1 && input.ndim !== 2) {
      throw new RuntimeError(`${name}: Expected input to be 1-D or 2-D but received ${input.ndim}-D tensor`);
    }
    if (input.shape[input.ndim - 1] !== this.inputSize) {
      throw new RuntimeError(`input has inconsistent input_size: got ${input.shape[input.ndim - 1]} expected ${this.inputSize}`);
    }
    return input.ndim === 1 ? [input.unsqueeze(0), true] : [input, false];
  }

  protected zeroState(input: Tensor): Tensor {
    return zeros([input.shape[0], this.hiddenSize], { dtype: input.dtype, device: input.device });
  }

  protected cellStep(mode: Mode, input: Tensor, state: State): State {
    const w = this.weights();
    return step(mode, linear(input, w.wIh, w.bIh), state, w);
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.bias !== true) s += ', bias=False';
    return s;
  }
}

/**
 * One Elman RNN step (PyTorch's `nn.RNNCell`): `cell(input, hx?)` → `h'`; input `(N, Hin)` or `(Hin)`.
 *
 * @example
 * const cell = new nn.RNNCell(10, 20);
 * let hx = torch.randn(3, 20);
 * for (const x of torch.randn(6, 3, 10).unbind(0)) hx = cell(x, hx);
 */
export class RNNCell extends RNNCellBase {
  static override readonly __name__: string = 'RNNCell';
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, ...rest: Args<[bias: boolean, nonlinearity: 'tanh' | 'relu', ...CellFactory], { bias?: boolean; nonlinearity?: 'tanh' | 'relu' } & FactoryOptions>) {
    const opts = parseArgs(CELL_DECL.RNNCell, [inputSize, hiddenSize, ...rest]);
    super(opts, 1);
    this.nonlinearity = opts.nonlinearity;
  }
  override forward(input: Tensor, ...rest: HxArgs<Tensor>): Tensor {
    const { hx } = parseArgs(FORWARD.RNNCell, [input, ...rest]) as { hx: Tensor | null };
    if (this.nonlinearity !== 'tanh' && this.nonlinearity !== 'relu') throw new RuntimeError(`Unknown nonlinearity: ${this.nonlinearity}`);
    const [x, unbatched] = this.batchInput(input, 'RNNCell');
    const h = hx ? (unbatched ? hx.unsqueeze(0) : hx) : this.zeroState(x);
    const out = this.cellStep(this.nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', x, h) as Tensor;
    return unbatched ? out.squeeze(0) : out;
  }
  override extraRepr(): string {
    const s = super.extraRepr();
    return this.nonlinearity !== 'tanh' ? `${s}, nonlinearity=${this.nonlinearity}` : s;
  }
}

/**
 * One LSTM step (PyTorch's `nn.LSTMCell`): `cell(input, [hx, cx]?)` → `[h', c']`.
 *
 * @example
 * const cell = new nn.LSTMCell(10, 20);
 * const [h, c] = cell(torch.randn(3, 10));
 */
export class LSTMCell extends RNNCellBase {
  static override readonly __name__: string = 'LSTMCell';
  constructor(inputSize: number, hiddenSize: number, ...rest: Args<[bias: boolean, ...CellFactory], { bias?: boolean } & FactoryOptions>) {
    super(parseArgs(CELL_DECL.LSTMCell, [inputSize, hiddenSize, ...rest]), 4);
  }
  override forward(input: Tensor, ...rest: HxArgs<[Tensor, Tensor]>): [Tensor, Tensor] {
    const { hx } = parseArgs(FORWARD.LSTMCell, [input, ...rest]) as { hx: [Tensor, Tensor] | null };
    const [x, unbatched] = this.batchInput(input, 'LSTMCell');
    let state: [Tensor, Tensor];
    if (hx) state = unbatched ? [hx[0].unsqueeze(0), hx[1].unsqueeze(0)] : hx;
    else {
      const z = this.zeroState(x);
      state = [z, z];
    }
    const [h, c] = this.cellStep('LSTM', x, state) as [Tensor, Tensor];
    return unbatched ? [h.squeeze(0), c.squeeze(0)] : [h, c];
  }
}

/**
 * One GRU step (PyTorch's `nn.GRUCell`): `cell(input, hx?)` → `h'`.
 *
 * @example
 * const cell = new nn.GRUCell(10, 20);
 * const h = cell(torch.randn(3, 10));
 */
export class GRUCell extends RNNCellBase {
  static override readonly __name__: string = 'GRUCell';
  constructor(inputSize: number, hiddenSize: number, ...rest: Args<[bias: boolean, ...CellFactory], { bias?: boolean } & FactoryOptions>) {
    super(parseArgs(CELL_DECL.GRUCell, [inputSize, hiddenSize, ...rest]), 3);
  }
  override forward(input: Tensor, ...rest: HxArgs<Tensor>): Tensor {
    const { hx } = parseArgs(FORWARD.GRUCell, [input, ...rest]) as { hx: Tensor | null };
    const [x, unbatched] = this.batchInput(input, 'GRUCell');
    const h = hx ? (unbatched ? hx.unsqueeze(0) : hx) : this.zeroState(x);
    const out = this.cellStep('GRU', x, h) as Tensor;
    return unbatched ? out.squeeze(0) : out;
  }
}

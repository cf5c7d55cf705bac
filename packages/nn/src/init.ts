/**
 * `torch.nn.init`: in-place initialisers. Each draws random numbers in the same order and with
 * the same recipe as PyTorch, so after the same `manualSeed` the weights are identical.
 */
import { type Args, type Tensor, ValueError, declare, empty, eye, fromArray, parseArgs } from '@flambeau/tensor';
import { noGrad } from '@flambeau/autograd';

export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';
export type FanMode = 'fan_in' | 'fan_out';

const CALCULATE_GAIN = declare('init.calculateGain', 'calculate_gain(str nonlinearity, float? param=None)');
const UNIFORM = declare('init.uniform_', 'uniform_(Tensor tensor, float a=0.0, float b=1.0)');
const NORMAL = declare('init.normal_', 'normal_(Tensor tensor, float mean=0.0, float std=1.0)');
const CONSTANT = declare('init.constant_', 'constant_(Tensor tensor, float val)');
const ZEROS = declare('init.zeros_', 'zeros_(Tensor tensor)');
const ONES = declare('init.ones_', 'ones_(Tensor tensor)');
const EYE = declare('init.eye_', 'eye_(Tensor tensor)');
const XAVIER_UNIFORM = declare('init.xavierUniform_', 'xavier_uniform_(Tensor tensor, float gain=1.0)');
const XAVIER_NORMAL = declare('init.xavierNormal_', 'xavier_normal_(Tensor tensor, float gain=1.0)');
const KAIMING = 'Tensor tensor, float a=0, str mode="fan_in", str nonlinearity="leaky_relu"';
const KAIMING_UNIFORM = declare('init.kaimingUniform_', `kaiming_uniform_(${KAIMING})`);
const KAIMING_NORMAL = declare('init.kaimingNormal_', `kaiming_normal_(${KAIMING})`);
const ORTHOGONAL = declare('init.orthogonal_', 'orthogonal_(Tensor tensor, float gain=1)');

/**
 * `calculate_gain(nonlinearity, param=None)`: the recommended gain for an activation.
 *
 * @example
 * init.calculateGain('leaky_relu', 0.2); // 1.3867504905630728
 */
export function calculateGain(nonlinearity: Nonlinearity, ...rest: Args<[param: number | null], { param?: number | null }>): number {
  const { param } = parseArgs(CALCULATE_GAIN, [nonlinearity, ...rest]);
  const linear = ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d'];
  if (linear.includes(nonlinearity) || nonlinearity === 'sigmoid') return 1;
  if (nonlinearity === 'tanh') return 5.0 / 3;
  if (nonlinearity === 'relu') return Math.sqrt(2.0);
  if (nonlinearity === 'leaky_relu') {
    const slope = param ?? 0.01;
    if (typeof slope !== 'number' || Number.isNaN(slope)) throw new ValueError(`negative_slope ${param} not a valid number`);
    return Math.sqrt(2.0 / (1 + slope ** 2));
  }
  if (nonlinearity === 'selu') return 3.0 / 4;
  throw new ValueError(`Unsupported nonlinearity ${nonlinearity}`);
}

/** `_calculate_fan_in_and_fan_out(tensor)`: `[fanIn, fanOut]` of a weight (receptive field included). */
export function _calculateFanInAndFanOut(tensor: Tensor): [number, number] {
  if (tensor.ndim < 2) {
    throw new ValueError('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  }
  const receptive = tensor.shape.slice(2).reduce((a, b) => a * b, 1);
  return [tensor.shape[1] * receptive, tensor.shape[0] * receptive];
}

function calculateCorrectFan(tensor: Tensor, mode: FanMode): number {
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new ValueError(`Mode ${mode} not supported, please use one of fan_in, fan_out`);
  const [fanIn, fanOut] = _calculateFanInAndFanOut(tensor);
  return mode === 'fan_in' ? fanIn : fanOut;
}

/** `uniform_(tensor, a=0, b=1)`. */
export function uniform_<T extends Tensor>(tensor: T, ...rest: Args<[a: number, b: number], { a?: number; b?: number }>): T {
  const { a, b } = parseArgs(UNIFORM, [tensor, ...rest]);
  return noGrad(() => tensor.uniform_(a, b));
}
/** `normal_(tensor, mean=0, std=1)`. */
export function normal_<T extends Tensor>(tensor: T, ...rest: Args<[mean: number, std: number], { mean?: number; std?: number }>): T {
  const { mean, std } = parseArgs(NORMAL, [tensor, ...rest]);
  return noGrad(() => tensor.normal_(mean, std));
}
/** `constant_(tensor, val)`. */
export function constant_<T extends Tensor>(tensor: T, ...rest: [val: number] | [{ val: number }]): T {
  const { val } = parseArgs(CONSTANT, [tensor, ...rest]);
  return noGrad(() => tensor.fill_(val));
}
/** `zeros_(tensor)`. */
export function zeros_<T extends Tensor>(...args: [tensor: T]): T {
  const [tensor] = args;
  parseArgs(ZEROS, args);
  return noGrad(() => tensor.zero_());
}
/** `ones_(tensor)`. */
export function ones_<T extends Tensor>(...args: [tensor: T]): T {
  const [tensor] = args;
  parseArgs(ONES, args);
  return noGrad(() => tensor.fill_(1));
}
/** `eye_(tensor)`: the identity on a 2-D tensor. */
export function eye_<T extends Tensor>(...args: [tensor: T]): T {
  const [tensor] = args;
  parseArgs(EYE, args);
  if (tensor.ndim !== 2) throw new ValueError('Only tensors with 2 dimensions are supported');
  return noGrad(() => tensor.copy_(eye(tensor.shape[0], tensor.shape[1], { dtype: tensor.dtype, device: tensor.device })));
}

/** `xavier_uniform_(tensor, gain=1)`: U(-a, a) with a = gain·√(6 / (fan_in + fan_out)). */
export function xavierUniform_<T extends Tensor>(tensor: T, ...rest: Args<[gain: number], { gain?: number }>): T {
  const { gain } = parseArgs(XAVIER_UNIFORM, [tensor, ...rest]);
  const [fanIn, fanOut] = _calculateFanInAndFanOut(tensor);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return uniform_(tensor, -a, a);
}
/** `xavier_normal_(tensor, gain=1)`: N(0, std²) with std = gain·√(2 / (fan_in + fan_out)). */
export function xavierNormal_<T extends Tensor>(tensor: T, ...rest: Args<[gain: number], { gain?: number }>): T {
  const { gain } = parseArgs(XAVIER_NORMAL, [tensor, ...rest]);
  const [fanIn, fanOut] = _calculateFanInAndFanOut(tensor);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  return normal_(tensor, 0, std);
}

export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (leaky_relu only). */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}
/** The Kaiming initialisers' positional tail: PyTorch's `a, mode, nonlinearity`. */
export type KaimingTail = [a: number, mode: FanMode, nonlinearity: Nonlinearity];
/**
 * `kaiming_uniform_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu')`.
 *
 * @example
 * init.kaimingUniform_(linear.weight, { a: Math.sqrt(5) }); // what nn.Linear does
 */
export function kaimingUniform_<T extends Tensor>(tensor: T, ...rest: Args<KaimingTail, KaimingOptions>): T {
  const opts = parseArgs(KAIMING_UNIFORM, [tensor, ...rest]) as Required<KaimingOptions>;
  if (tensor.shape.includes(0)) return tensor;
  const fan = calculateCorrectFan(tensor, opts.mode);
  const gain = calculateGain(opts.nonlinearity, opts.a);
  const bound = Math.sqrt(3.0) * (gain / Math.sqrt(fan));
  return uniform_(tensor, -bound, bound);
}
/** `kaiming_normal_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu')`. */
export function kaimingNormal_<T extends Tensor>(tensor: T, ...rest: Args<KaimingTail, KaimingOptions>): T {
  const opts = parseArgs(KAIMING_NORMAL, [tensor, ...rest]) as Required<KaimingOptions>;
  if (tensor.shape.includes(0)) return tensor;
  const fan = calculateCorrectFan(tensor, opts.mode);
  const gain = calculateGain(opts.nonlinearity, opts.a);
  return normal_(tensor, 0, gain / Math.sqrt(fan));
}

/**
 * Q of a Householder QR of `a` ([m, n], m ≥ n), with columns signed so that R has a non-negative
 * diagonal — the same Q that PyTorch gets from LAPACK after `q *= sign(diag(r))`.
 */
function qrPositive(a: Tensor): Tensor {
  const [m, n] = a.shape;
  const R = Float64Array.from(a.to('float64').contiguous().dataSync());
  const Q = new Float64Array(m * m);
  for (let i = 0; i < m; i++) Q[i * m + i] = 1;
  const v = new Float64Array(m);
  for (let k = 0; k < Math.min(m - 1, n); k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += R[i * n + k] ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    const alpha = R[k * n + k] > 0 ? -norm : norm;
    let vnorm = 0;
    for (let i = k; i < m; i++) {
      v[i] = R[i * n + k] - (i === k ? alpha : 0);
      vnorm += v[i] ** 2;
    }
    if (vnorm === 0) continue;
    // R ← (I - 2vvᵀ/vᵀv) R and Q ← Q (I - 2vvᵀ/vᵀv)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = k; i < m; i++) s += v[i] * R[i * n + j];
      s = (2 * s) / vnorm;
      for (let i = k; i < m; i++) R[i * n + j] -= s * v[i];
    }
    for (let r = 0; r < m; r++) {
      let s = 0;
      for (let i = k; i < m; i++) s += Q[r * m + i] * v[i];
      s = (2 * s) / vnorm;
      for (let i = k; i < m; i++) Q[r * m + i] -= s * v[i];
    }
  }
  const out = new Float64Array(m * n);
  for (let j = 0; j < n; j++) {
    const sign = R[j * n + j] < 0 ? -1 : R[j * n + j] > 0 ? 1 : 0;
    for (let i = 0; i < m; i++) out[i * n + j] = Q[i * m + j] * sign;
  }
  return fromArray(out, [m, n], { dtype: 'float64' });
}

/**
 * `orthogonal_(tensor, gain=1)`: a (semi-)orthogonal matrix from the QR of a normal sample,
 * drawn as PyTorch draws it (one `normal_` over rows × cols).
 */
export function orthogonal_<T extends Tensor>(tensor: T, ...rest: Args<[gain: number], { gain?: number }>): T {
  const { gain } = parseArgs(ORTHOGONAL, [tensor, ...rest]);
  if (tensor.ndim < 2) throw new ValueError('Only tensors with 2 or more dimensions are supported');
  if (tensor.numel() === 0) return tensor;
  const rows = tensor.shape[0];
  const cols = tensor.numel() / rows;
  // Drawn and factorised on the CPU (a host QR at construction time), then copied to the tensor's device.
  const flattened = empty([rows, cols], { dtype: tensor.dtype, device: 'cpu' }).normal_(0, 1);
  const wide = rows < cols;
  let q = qrPositive(wide ? flattened.t() : flattened);
  if (wide) q = q.t();
  return noGrad(() => {
    tensor.view(q.shape as number[]).copy_(q);
    return tensor.mul_(gain);
  });
}

import { dispatch1 } from './dispatcher.js';
import { Tensor, type TensorOrScalar, type ValuesIndices, checkScalar } from './tensor.js';
import { type Declaration, declare, getDeclaration, parseArgs } from './signature.js';
import type { PadMode } from './ops/pad.js';
import { RuntimeError } from './errors.js';
import { deviceCheck } from './validation.js';
import { indexTensor } from './ops/util.js';

/**
 * Function forms of tensor ops, as in the `torch.` namespace (`torch.cat`, `torch.where`, …).
 * Most are the method of the same name called on their first argument (`torch.exp(x)` is
 * `x.exp()`), declared from the method's declaration with `input` first.
 */

// `any[]`, not `never[]`: methods whose parameters are a union of tuples (`Args<…>`) must match too.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFunction = (...a: any[]) => unknown;
type MethodName = Extract<{ [K in keyof Tensor]: Tensor[K] extends AnyFunction ? K : never }[keyof Tensor], string>;
type MethodArgs<K extends MethodName> = Tensor[K] extends (...a: infer A) => unknown ? A : never;
type MethodResult<K extends MethodName> = Tensor[K] extends (...a: infer _A) => infer R ? R : never;

/**
 * `torch.X(input, ...)` for the method `input.X(...)`, declared as `torch.X` from `Tensor.X`'s
 * declaration. A call whose first argument is a tensor goes straight to the method (which binds
 * the rest); any other (`torch.X({ input, … })`, a wrong type) is bound here first.
 */
function functionForm<K extends MethodName>(name: K): (input: Tensor, ...args: MethodArgs<K>) => MethodResult<K> {
  const method = getDeclaration(`Tensor.${name}`);
  if (!method) throw new RuntimeError(`functionForm(): Tensor.${name} is not declared`);
  const decl = declare(`torch.${name}`, { functionOf: method });
  return function (this: unknown, input: Tensor, ...args: MethodArgs<K>): MethodResult<K> {
    if (input instanceof Tensor) return (input[name] as (...a: unknown[]) => MethodResult<K>)(...args);
    return callBound(decl, name, parseArgs(decl, arguments)) as MethodResult<K>;
  };
}

/** Calls `input.name(...)` with bound values: the positional parameters in order, the keyword-only ones as options. */
function callBound(decl: Declaration, name: string, bound: Record<string, unknown>): unknown {
  const positional: unknown[] = [];
  const keywords: Record<string, unknown> = {};
  for (const p of decl.params.slice(1)) {
    if (p.kwOnly) keywords[p.name] = bound[p.name];
    else positional.push(bound[p.name]);
  }
  const input = bound.input as Record<string, (...a: unknown[]) => unknown>;
  return input[name](...positional, ...(Object.keys(keywords).length > 0 ? [keywords] : []));
}

/** `torch.neg(input)` … each the method of its name. */
export const neg = functionForm('neg'), negative = functionForm('negative'), sign = functionForm('sign'), square = functionForm('square'), abs = functionForm('abs');
export const sin = functionForm('sin'), cos = functionForm('cos'), tan = functionForm('tan'), asin = functionForm('asin'), acos = functionForm('acos');
export const atan = functionForm('atan'), atan2 = functionForm('atan2'), sinh = functionForm('sinh'), cosh = functionForm('cosh'), tanh = functionForm('tanh');
export const asinh = functionForm('asinh'), acosh = functionForm('acosh'), atanh = functionForm('atanh'), sigmoid = functionForm('sigmoid'), relu = functionForm('relu');
export const exp = functionForm('exp'), exp2 = functionForm('exp2'), expm1 = functionForm('expm1'), log = functionForm('log'), log2 = functionForm('log2'), log10 = functionForm('log10'), log1p = functionForm('log1p');
export const sqrt = functionForm('sqrt'), rsqrt = functionForm('rsqrt'), reciprocal = functionForm('reciprocal'), erf = functionForm('erf'), erfc = functionForm('erfc');
export const floor = functionForm('floor'), ceil = functionForm('ceil'), round = functionForm('round'), trunc = functionForm('trunc'), frac = functionForm('frac');
export const isnan = functionForm('isnan'), isinf = functionForm('isinf'), isfinite = functionForm('isfinite'), isFloatingPoint = functionForm('isFloatingPoint');
export const eq = functionForm('eq'), ne = functionForm('ne'), lt = functionForm('lt'), le = functionForm('le'), gt = functionForm('gt'), ge = functionForm('ge');
export const logicalAnd = functionForm('logicalAnd'), logicalOr = functionForm('logicalOr'), logicalXor = functionForm('logicalXor'), logicalNot = functionForm('logicalNot');
export const bitwiseAnd = functionForm('bitwiseAnd'), bitwiseOr = functionForm('bitwiseOr'), bitwiseXor = functionForm('bitwiseXor'), bitwiseNot = functionForm('bitwiseNot');
export const remainder = functionForm('remainder'), fmod = functionForm('fmod'), floorDivide = functionForm('floorDivide'), trueDivide = functionForm('trueDivide');
export const addcmul = functionForm('addcmul'), addcdiv = functionForm('addcdiv'), lerp = functionForm('lerp'), maskedFill = functionForm('maskedFill');
/** `torch.add(input, other, *, alpha=1)`: `input + alpha * other`. */
export const add = functionForm('add');
/** `torch.sub(input, other, *, alpha=1)`: `input - alpha * other`. */
export const sub = functionForm('sub');
/** `torch.mul(input, other)`: elementwise product, broadcasting. */
export const mul = functionForm('mul');
/** `torch.div(input, other, *, rounding_mode=None)`: true division, or `'trunc'` / `'floor'` rounding. */
export const div = functionForm('div');
/** `torch.maximum(input, other)` / `torch.minimum`: elementwise, NaN propagating. */
export const maximum = functionForm('maximum'), minimum = functionForm('minimum');
/** `torch.clamp(input, min=None, max=None)`: `torch.clamp(x, { min: 0 })`, `torch.clamp(x, -1, 1)`. */
export const clamp = functionForm('clamp');
export const clip = functionForm('clip'), prod = functionForm('prod'), all = functionForm('all'), any = functionForm('any'), amax = functionForm('amax'), amin = functionForm('amin');
/** `torch.sum(input, dim=None, keepdim=False, *, dtype=None)` and `torch.mean`. */
export const sum = functionForm('sum'), mean = functionForm('mean');
export const logsumexp = functionForm('logsumexp'), norm = functionForm('norm'), cumsum = functionForm('cumsum'), cumprod = functionForm('cumprod');
const var_ = functionForm('var');
export { var_ as var };
export const std = functionForm('std');
/** `torch.softmax(input, dim, dtype=None)` and `torch.log_softmax`. */
export const softmax = functionForm('softmax'), logSoftmax = functionForm('logSoftmax');
/** `torch.matmul(input, other)`: matrix product with batch broadcasting (1-D operands as vectors); `mm`, `bmm`, `mv`, `dot`, `outer` the fixed-rank forms. */
export const matmul = functionForm('matmul'), mm = functionForm('mm'), bmm = functionForm('bmm'), mv = functionForm('mv'), dot = functionForm('dot'), outer = functionForm('outer');
export const scatter = functionForm('scatter'), scatterAdd = functionForm('scatterAdd'), indexAdd = functionForm('indexAdd'), maskedSelect = functionForm('maskedSelect');
/** `torch.gather(input, dim, index)`, `torch.index_select(input, dim, index)`, `torch.take(input, index)`, `torch.nonzero(input)`. */
export const gather = functionForm('gather'), indexSelect = functionForm('indexSelect'), take = functionForm('take'), nonzero = functionForm('nonzero');
/** `torch.sort(input, dim=-1, descending=False)`, `torch.topk(input, k, dim=-1, largest=True, sorted=True)` → `{ values, indices }`; `torch.argsort`. */
export const sort = functionForm('sort'), topk = functionForm('topk'), argsort = functionForm('argsort');
/** `torch.argmax(input, dim=None, keepdim=False)` / `torch.argmin`. */
export const argmax = functionForm('argmax'), argmin = functionForm('argmin');
/** `torch.equal(input, other)`, `torch.allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False)`, `torch.isclose` (elementwise). */
export const equal = functionForm('equal'), allclose = functionForm('allclose'), isclose = functionForm('isclose');
export const diag = functionForm('diag'), diagonal = functionForm('diagonal'), narrow = functionForm('narrow'), select = functionForm('select'), unbind = functionForm('unbind');
export const flip = functionForm('flip'), roll = functionForm('roll'), movedim = functionForm('movedim'), swapaxes = functionForm('swapaxes'), t = functionForm('t');
export const unflatten = functionForm('unflatten'), broadcastTo = functionForm('broadcastTo'), asStrided = functionForm('asStrided');
/** `torch.tril(input, diagonal=0)`, `torch.triu`, `torch.flatten(input, start_dim=0, end_dim=-1)`. */
export const tril = functionForm('tril'), triu = functionForm('triu'), flatten = functionForm('flatten');
/** `torch.reshape(input, shape)`, `torch.transpose(input, dim0, dim1)`, `torch.permute(input, dims)`, `torch.squeeze(input, dim)`, `torch.unsqueeze(input, dim)`. */
export const reshape = functionForm('reshape'), transpose = functionForm('transpose'), permute = functionForm('permute'), squeeze = functionForm('squeeze'), unsqueeze = functionForm('unsqueeze');
/** `torch.chunk(input, chunks, dim=0)`: views. */
export const chunk = functionForm('chunk');
export const clone = functionForm('clone'), detach = functionForm('detach');
/** `torch.bernoulli(input, *, generator=None)`: one draw per element of the probability tensor. */
export const bernoulli = functionForm('bernoulli');
/**
 * `torch.multinomial(input, num_samples, replacement=False, *, generator=None)`.
 *
 * @example torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 2) // two distinct indices, 2 the likeliest first
 */
export const multinomial = functionForm('multinomial');
// PyTorch's in-place function forms (`torch.relu_(x)`), each the method `x.relu_()`.
export const abs_ = functionForm('abs_'), neg_ = functionForm('neg_'), exp_ = functionForm('exp_'), log_ = functionForm('log_'), sqrt_ = functionForm('sqrt_');
export const sigmoid_ = functionForm('sigmoid_'), tanh_ = functionForm('tanh_'), relu_ = functionForm('relu_'), floor_ = functionForm('floor_'), round_ = functionForm('round_');
export const reciprocal_ = functionForm('reciprocal_'), clamp_ = functionForm('clamp_'), clip_ = functionForm('clip_'), fill_ = functionForm('fill_'), zero_ = functionForm('zero_');
export const detach_ = functionForm('detach_'), indexPut_ = functionForm('indexPut_');

const CAT = declare('torch.cat', { op: 'cat' });
const STACK = declare('torch.stack', { op: 'stack' });
/** `torch.cat(tensors, dim=0)`. */
export function cat(tensors: readonly Tensor[] | { tensors: readonly Tensor[]; dim?: number }, dim: number | { dim?: number } = 0): Tensor {
  const a = parseArgs(CAT, arguments);
  return dispatch1('cat', a.tensors as Tensor[], { dim: a.dim });
}
/** `torch.concat`, an alias of `cat`. */
export const concat = cat;
/** `torch.stack(tensors, dim=0)`. */
export function stack(tensors: readonly Tensor[] | { tensors: readonly Tensor[]; dim?: number }, dim: number | { dim?: number } = 0): Tensor {
  const a = parseArgs(STACK, arguments);
  return dispatch1('stack', a.tensors as Tensor[], { dim: a.dim });
}
const WHERE = declare('torch.where', 'where(Tensor condition, Tensor|Scalar input, Tensor|Scalar other)');
/** `torch.where(condition, input, other)`; scalars allowed for either branch. */
export function where(...args: [condition: Tensor, input: TensorOrScalar, other: TensorOrScalar] | [condition: Tensor, opts: { input: TensorOrScalar; other: TensorOrScalar }] | [{ condition: Tensor; input: TensorOrScalar; other: TensorOrScalar }]): Tensor {
  const { condition, input, other } = parseArgs(WHERE, args) as { condition: Tensor; input: TensorOrScalar; other: TensorOrScalar };
  const inputs = [condition, ...[input, other].filter((x): x is Tensor => typeof x === 'object')];
  const attrs: Record<string, unknown> = {};
  if (typeof input !== 'object') attrs.selfScalar = checkScalar(input);
  if (typeof other !== 'object') attrs.otherScalar = checkScalar(other);
  return dispatch1('where', inputs, attrs);
}
const POW = declare('torch.pow', 'pow(Tensor|Scalar input, Tensor|Scalar exponent)');
/** `torch.pow(input, exponent)`; the base may be a scalar (`torch.pow(2, x)`). */
export function pow(...args: [input: TensorOrScalar, exponent: TensorOrScalar] | [input: TensorOrScalar, opts: { exponent: TensorOrScalar }] | [{ input: TensorOrScalar; exponent: TensorOrScalar }]): Tensor {
  const { input, exponent } = parseArgs(POW, args) as { input: TensorOrScalar; exponent: TensorOrScalar };
  if (typeof input === 'object') return input.pow(exponent);
  if (typeof exponent !== 'object') throw new RuntimeError('pow(): expected at least one Tensor argument');
  return dispatch1('pow', [exponent], { scalar: checkScalar(input), reverse: true });
}
const RSUB = declare('torch.rsub', 'rsub(Tensor input, Tensor|Scalar other, *, Scalar alpha=1)');
/** `torch.rsub(input, other, *, alpha=1)`: `other - alpha * input`. */
export function rsub(...args: [input: Tensor, other: TensorOrScalar, opts?: { alpha?: number }] | [{ input: Tensor; other: TensorOrScalar; alpha?: number }]): Tensor {
  const { input, other, alpha } = parseArgs(RSUB, args) as { input: Tensor; other: TensorOrScalar; alpha: number };
  return (alpha === 1 ? input : input.mul(alpha)).rsub(other);
}
const SPLIT = declare('torch.split', 'split(Tensor tensor, int[] splitSizeOrSections, int dim=0)');
/** `torch.split(tensor, split_size_or_sections, dim=0)`: views. */
export function split(...args: [tensor: Tensor, splitSizeOrSections: number | readonly number[], dim?: number | { dim?: number }] | [tensor: Tensor, opts: { splitSizeOrSections: number | readonly number[]; dim?: number }] | [{ tensor: Tensor; splitSizeOrSections: number | readonly number[]; dim?: number }]): Tensor[] {
  const { tensor, splitSizeOrSections, dim } = parseArgs(SPLIT, args);
  return (tensor as Tensor).split(splitSizeOrSections, dim);
}
const MAX = declare('torch.max', 'max(Tensor input, int? dim=None, bool keepdim=False)');
const MIN = declare('torch.min', 'min(Tensor input, int? dim=None, bool keepdim=False)');
/**
 * `torch.max(x)` → the maximum; `torch.max(x, dim, keepdim=False)` → `{ values, indices }`;
 * `torch.max(a, b)` → elementwise `maximum`, as PyTorch's three overloads.
 *
 * @example const { values, indices: predicted } = torch.max(outputs, 1);
 */
export function max(input: Tensor): Tensor;
export function max(input: Tensor, dim: number, keepdim?: boolean | { keepdim?: boolean }): ValuesIndices;
export function max(input: Tensor, opts: { dim: number; keepdim?: boolean }): ValuesIndices;
export function max(input: Tensor, other: Tensor): Tensor;
export function max(...args: unknown[]): Tensor | ValuesIndices { return extremum(MAX, args); }
/** `torch.min`, with the same three overloads as `max`. */
export function min(input: Tensor): Tensor;
export function min(input: Tensor, dim: number, keepdim?: boolean | { keepdim?: boolean }): ValuesIndices;
export function min(input: Tensor, opts: { dim: number; keepdim?: boolean }): ValuesIndices;
export function min(input: Tensor, other: Tensor): Tensor;
export function min(...args: unknown[]): Tensor | ValuesIndices { return extremum(MIN, args); }
function extremum(decl: Declaration, args: unknown[]): Tensor | ValuesIndices {
  const isMax = decl === MAX;
  // The `max(input, other)` overload: elementwise.
  if (args.length === 2 && args[0] instanceof Tensor && args[1] instanceof Tensor) return isMax ? args[0].maximum(args[1]) : args[0].minimum(args[1]);
  const { input, dim, keepdim } = parseArgs(decl, args) as { input: Tensor; dim: number | null; keepdim: boolean };
  if (dim === null) return isMax ? input.max() : input.min();
  return isMax ? input.max(dim, keepdim) : input.min(dim, keepdim);
}

/** `torch.nn.functional.pad(input, pad, mode='constant', value=0)`. */
export function pad(x: Tensor, padding: readonly number[], mode: PadMode = 'constant', value = 0): Tensor {
  return dispatch1('pad', [x], { pad: [...padding], mode, value });
}

/** `torch.nn.functional.one_hot(tensor, num_classes=-1)`: int64 output. */
export function oneHot(x: Tensor, numClasses = -1): Tensor {
  if (x.dtype !== 'int64') throw new RuntimeError('one_hot is only applicable to index tensor.');
  // num_classes=-1 makes the output shape depend on the data: a readback, as in PyTorch.
  const n = numClasses === -1 ? (x.numel() === 0 ? 0 : x.amax().itemSync() + 1) : numClasses;
  if (x.numel() > 0) {
    deviceCheck(x.amin().ge(0), () => new RuntimeError('Class values must be non-negative.'));
    deviceCheck(x.amax().lt(n), () => new RuntimeError('Class values must be smaller than num_classes.'));
  }
  const range = indexTensor(Array.from({ length: n }, (_, i) => i), x.backend);
  return x.unsqueeze(-1).eq(range).to('int64');
}

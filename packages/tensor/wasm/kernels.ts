// Float32 elementwise, reduction and optimizer kernels in WebAssembly SIMD128 (AssemblyScript
// source of src/cpu/wasm_kernels_binary.ts). The TypeScript side (src/cpu/wasm_kernels.ts) stages
// operands through linear memory in chunks small enough to stay in cache, so a chunk's copy in and
// out costs little next to the arithmetic the plain-TS loop would do element by element.
//
// Every operation is one IEEE float32 operation per element, exactly what the TypeScript kernels
// compute in float64 and round on store (for + − × ÷ and √ one rounding of the exact result
// either way), so both paths give identical bits. Sums accumulate in float64 in the TypeScript
// kernels' order. No relaxed build: none of these need a fused multiply-add.

/** First free byte of linear memory, 64-byte aligned. */
export function heapBase(): usize {
  return (__heap_base + 63) & ~(<usize>63);
}

// @ts-ignore: decorator
@inline function op4(op: i32, x: v128, y: v128): v128 {
  if (op == 0) return f32x4.add(x, y);
  if (op == 1) return f32x4.sub(x, y);
  if (op == 2) return f32x4.mul(x, y);
  return f32x4.div(x, y);
}

// @ts-ignore: decorator
@inline function op1(op: i32, x: f32, y: f32): f32 {
  if (op == 0) return x + y;
  if (op == 1) return x - y;
  if (op == 2) return x * y;
  return x / y;
}

// @ts-ignore: decorator
@inline function binaryLoop(op: i32, a: usize, b: usize, o: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4, a += 16, b += 16, o += 16) v128.store(o, op4(op, v128.load(a), v128.load(b)));
  for (; i < n; i++, a += 4, b += 4, o += 4) store<f32>(o, op1(op, load<f32>(a), load<f32>(b)));
}

/** o[i] = a[i] op b[i] (op: 0 add, 1 sub, 2 mul, 3 div); o may be a. */
export function binary(op: i32, a: usize, b: usize, o: usize, n: i32): void {
  // One loop per operator, so the operator test is outside the loop.
  if (op == 0) binaryLoop(0, a, b, o, n);
  else if (op == 1) binaryLoop(1, a, b, o, n);
  else if (op == 2) binaryLoop(2, a, b, o, n);
  else binaryLoop(3, a, b, o, n);
}

// @ts-ignore: decorator
@inline function scalarLoop(op: i32, rev: bool, a: usize, s: f32, o: usize, n: i32): void {
  const sv = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4, a += 16, o += 16) {
    const x = v128.load(a);
    v128.store(o, rev ? op4(op, sv, x) : op4(op, x, sv));
  }
  for (; i < n; i++, a += 4, o += 4) {
    const x = load<f32>(a);
    store<f32>(o, rev ? op1(op, s, x) : op1(op, x, s));
  }
}

/** o[i] = a[i] op s, or s op a[i] when `rev`; o may be a. */
export function binaryScalar(op: i32, a: usize, s: f32, rev: i32, o: usize, n: i32): void {
  if (rev) {
    if (op == 0) scalarLoop(0, true, a, s, o, n);
    else if (op == 1) scalarLoop(1, true, a, s, o, n);
    else if (op == 2) scalarLoop(2, true, a, s, o, n);
    else scalarLoop(3, true, a, s, o, n);
  } else if (op == 0) scalarLoop(0, false, a, s, o, n);
  else if (op == 1) scalarLoop(1, false, a, s, o, n);
  else if (op == 2) scalarLoop(2, false, a, s, o, n);
  else scalarLoop(3, false, a, s, o, n);
}

// @ts-ignore: decorator
@inline function un4(op: i32, x: v128): v128 {
  if (op == 0) return f32x4.neg(x);
  if (op == 1) return f32x4.abs(x);
  // relu: x where x > 0 or x is NaN, else +0 (PyTorch keeps NaN).
  if (op == 2) return v128.and(x, v128.or(f32x4.gt(x, f32x4.splat(0)), f32x4.ne(x, x)));
  if (op == 3) return f32x4.sqrt(x);
  return f32x4.mul(x, x);
}

// @ts-ignore: decorator
@inline function unaryLoop(op: i32, x: usize, o: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4, x += 16, o += 16) v128.store(o, un4(op, v128.load(x)));
  // The tail goes through the same vector code, one lane used.
  for (; i < n; i++, x += 4, o += 4) store<f32>(o, f32x4.extract_lane(un4(op, f32x4.splat(load<f32>(x))), 0));
}

/** o[i] = f(x[i]) for f in 0 neg, 1 abs, 2 relu, 3 sqrt, 4 square; o may be x. */
export function unary(op: i32, x: usize, o: usize, n: i32): void {
  if (op == 0) unaryLoop(0, x, o, n);
  else if (op == 1) unaryLoop(1, x, o, n);
  else if (op == 2) unaryLoop(2, x, o, n);
  else if (op == 3) unaryLoop(3, x, o, n);
  else unaryLoop(4, x, o, n);
}

/**
 * Adds n float32 values into four float64 running sums at `acc` (element j into sum j mod 4, the
 * last n mod 4 into sum 0): the TypeScript `sum` kernel's order, split over calls of 4k elements.
 */
export function sumInto(x: usize, n: i32, acc: usize): void {
  let lo = v128.load(acc);
  let hi = v128.load(acc, 16);
  let i = 0;
  for (; i + 4 <= n; i += 4, x += 16) {
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(v128.load64_zero(x)));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.load64_zero(x, 8)));
  }
  let a0 = f64x2.extract_lane(lo, 0);
  for (; i < n; i++, x += 4) a0 += <f64>load<f32>(x);
  v128.store(acc, f64x2.replace_lane(lo, 0, a0));
  v128.store(acc, hi, 16);
}

/**
 * Sums each of `rows` runs of `len` float32 values into out[r] (float64), four rows at a time so
 * their dependency chains overlap; each row keeps the four-sum order of `sumInto`.
 */
export function sumRows(x: usize, rows: i32, len: i32, out: usize): void {
  const stride = <usize>len << 2;
  const quads = len & ~3;
  let r = 0;
  for (; r + 4 <= rows; r += 4, x += 4 * stride, out += 32) {
    let l0 = f64x2.splat(0), h0 = f64x2.splat(0), l1 = f64x2.splat(0), h1 = f64x2.splat(0);
    let l2 = f64x2.splat(0), h2 = f64x2.splat(0), l3 = f64x2.splat(0), h3 = f64x2.splat(0);
    const x1 = x + stride, x2 = x + 2 * stride, x3 = x + 3 * stride;
    for (let j: usize = 0, e = <usize>quads << 2; j < e; j += 16) {
      l0 = f64x2.add(l0, f64x2.promote_low_f32x4(v128.load64_zero(x + j)));
      h0 = f64x2.add(h0, f64x2.promote_low_f32x4(v128.load64_zero(x + j, 8)));
      l1 = f64x2.add(l1, f64x2.promote_low_f32x4(v128.load64_zero(x1 + j)));
      h1 = f64x2.add(h1, f64x2.promote_low_f32x4(v128.load64_zero(x1 + j, 8)));
      l2 = f64x2.add(l2, f64x2.promote_low_f32x4(v128.load64_zero(x2 + j)));
      h2 = f64x2.add(h2, f64x2.promote_low_f32x4(v128.load64_zero(x2 + j, 8)));
      l3 = f64x2.add(l3, f64x2.promote_low_f32x4(v128.load64_zero(x3 + j)));
      h3 = f64x2.add(h3, f64x2.promote_low_f32x4(v128.load64_zero(x3 + j, 8)));
    }
    store<f64>(out, finish(l0, h0, x, quads, len));
    store<f64>(out, finish(l1, h1, x1, quads, len), 8);
    store<f64>(out, finish(l2, h2, x2, quads, len), 16);
    store<f64>(out, finish(l3, h3, x3, quads, len), 24);
  }
  for (; r < rows; r++, x += stride, out += 8) {
    const acc = out;
    v128.store(scratch, f64x2.splat(0));
    v128.store(scratch, f64x2.splat(0), 16);
    sumInto(x, len, scratch);
    store<f64>(acc, combine(scratch));
  }
}

/** Four running sums for `sumRows`' single rows. */
const scratch = memory.data(32, 16);

// @ts-ignore: decorator
@inline function finish(lo: v128, hi: v128, x: usize, from: i32, len: i32): f64 {
  let a0 = f64x2.extract_lane(lo, 0);
  for (let i = from; i < len; i++) a0 += <f64>load<f32>(x + (<usize>i << 2));
  return (a0 + f64x2.extract_lane(lo, 1)) + (f64x2.extract_lane(hi, 0) + f64x2.extract_lane(hi, 1));
}

/** The total of four running sums: (s0 + s1) + (s2 + s3). */
export function combine(acc: usize): f64 {
  return (load<f64>(acc) + load<f64>(acc, 8)) + (load<f64>(acc, 16) + load<f64>(acc, 24));
}

/** acc[i] += x[i], float32 into float64: one row of a sum over leading dims, in row order. */
export function accumulate(x: usize, acc: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4, x += 16, acc += 32) {
    v128.store(acc, f64x2.add(v128.load(acc), f64x2.promote_low_f32x4(v128.load64_zero(x))));
    v128.store(acc, f64x2.add(v128.load(acc, 16), f64x2.promote_low_f32x4(v128.load64_zero(x, 8))), 16);
  }
  for (; i < n; i++, x += 4, acc += 8) store<f64>(acc, load<f64>(acc) + <f64>load<f32>(x));
}

/**
 * One Adam/AdamW step over n float32 elements, in place on p, m, v (and the running maximum vmax
 * when `amsgrad`); the constants are the TypeScript kernel's, already rounded to float32.
 */
export function adam(
  p: usize, g: usize, m: usize, v: usize, vmax: usize, n: i32,
  shrink: f32, wd: f32, b1: f32, k1: f32, b2: f32, k2: f32, bc2: f32, eps: f32, step: f32,
  maximize: i32, decoupled: i32, decay: i32, amsgrad: i32,
): void {
  const vShrink = f32x4.splat(shrink), vWd = f32x4.splat(wd), vB1 = f32x4.splat(b1), vK1 = f32x4.splat(k1);
  const vB2 = f32x4.splat(b2), vK2 = f32x4.splat(k2), vBc2 = f32x4.splat(bc2), vEps = f32x4.splat(eps), vStep = f32x4.splat(step);
  // n is a multiple of 4 except in the last chunk: its tail runs through a zero-padded scratch quad.
  for (let i = 0; i < n; i += 4, p += 16, g += 16, m += 16, v += 16, vmax += 16) {
    const full = i + 4 <= n;
    let P = full ? v128.load(p) : tail(p, n - i);
    let G = full ? v128.load(g) : tail(g, n - i);
    const M0 = full ? v128.load(m) : tail(m, n - i);
    const V0 = full ? v128.load(v) : tail(v, n - i);
    if (decoupled) P = f32x4.mul(P, vShrink);
    if (maximize) G = f32x4.neg(G);
    if (decay) G = f32x4.add(G, f32x4.mul(P, vWd));
    const M = f32x4.add(f32x4.mul(M0, vB1), f32x4.mul(G, vK1));
    const V = f32x4.add(f32x4.mul(V0, vB2), f32x4.mul(f32x4.mul(G, G), vK2));
    let second = V;
    if (amsgrad) {
      second = f32x4.max(full ? v128.load(vmax) : tail(vmax, n - i), V);
      put(vmax, second, full, n - i);
    }
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(second), vBc2), vEps);
    put(m, M, full, n - i);
    put(v, V, full, n - i);
    put(p, f32x4.add(P, f32x4.mul(f32x4.div(M, denom), vStep)), full, n - i);
  }
}

/**
 * One SGD step over n float32 elements (momentum buffer b when `hasBuf`), in place; constants as
 * the TypeScript kernel's.
 */
export function sgd(
  p: usize, g: usize, b: usize, n: i32, wd: f32, mom: f32, keep: f32, step: f32,
  maximize: i32, decay: i32, hasBuf: i32, first: i32, nesterov: i32,
): void {
  const vWd = f32x4.splat(wd), vMom = f32x4.splat(mom), vKeep = f32x4.splat(keep), vStep = f32x4.splat(step);
  for (let i = 0; i < n; i += 4, p += 16, g += 16, b += 16) {
    const full = i + 4 <= n;
    const P = full ? v128.load(p) : tail(p, n - i);
    let D = full ? v128.load(g) : tail(g, n - i);
    if (maximize) D = f32x4.neg(D);
    if (decay) D = f32x4.add(D, f32x4.mul(P, vWd));
    if (hasBuf) {
      const B = first ? D : f32x4.add(f32x4.mul(full ? v128.load(b) : tail(b, n - i), vMom), f32x4.mul(D, vKeep));
      put(b, B, full, n - i);
      D = nesterov ? f32x4.add(D, f32x4.mul(B, vMom)) : B;
    }
    put(p, f32x4.add(P, f32x4.mul(D, vStep)), full, n - i);
  }
}

const quad = memory.data(16, 16);

/** The k < 4 values at x, zero-padded to a quad. */
function tail(x: usize, k: i32): v128 {
  v128.store(quad, v128.splat<i32>(0));
  memory.copy(quad, x, <usize>k << 2);
  return v128.load(quad);
}

// @ts-ignore: decorator
@inline function put(x: usize, value: v128, full: bool, k: i32): void {
  if (full) v128.store(x, value);
  else {
    v128.store(quad, value);
    memory.copy(x, quad, <usize>k << 2);
  }
}

/** accumulate() for `rows` consecutive rows of `len` values into the same `len` sums, in row order. */
export function accumulateRows(x: usize, rows: i32, len: i32, acc: usize): void {
  for (let r = 0; r < rows; r++, x += <usize>len << 2) accumulate(x, acc, len);
}

// @ts-ignore: decorator
@inline function takeIfLarger(v: v128, best: v128, m: v128): v128 {
  return v128.bitselect(v, best, m);
}

/**
 * Max pool with 2×2 windows, stride 2, no padding, over `planes` consecutive H×W float32 planes:
 * values to `vals` (float32), window positions (`base` + row·W + column in the plane) to `idx` as
 * float64 (int64 storage). A larger value or a NaN takes over, taps in row order: the TypeScript
 * kernel's rule, four windows at a time with no branches.
 */
export function maxPool2x2(x: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32, base: i32, vals: usize, idx: usize): void {
  const lanes = i32x4(0, 2, 4, 6);
  for (let p = 0; p < planes; p++, x += <usize>(H * W) << 2) {
    for (let oh = 0; oh < OH; oh++) {
      const r0 = x + (<usize>(2 * oh * W) << 2);
      const r1 = r0 + (<usize>W << 2);
      let ow = 0;
      for (; ow + 4 <= OW && 2 * ow + 8 <= W; ow += 4, vals += 16, idx += 32) {
        const o = <usize>ow << 3;
        const a0 = v128.load(r0 + o), a1 = v128.load(r0 + o, 16);
        const b0 = v128.load(r1 + o), b1 = v128.load(r1 + o, 16);
        const at0 = i32x4.add(i32x4.splat(base + 2 * oh * W + 2 * ow), lanes);
        let best = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6);
        let at = at0;
        let v = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
        let m = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
        best = takeIfLarger(v, best, m);
        at = v128.bitselect(i32x4.add(at0, i32x4.splat(1)), at, m);
        v = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6);
        m = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
        best = takeIfLarger(v, best, m);
        at = v128.bitselect(i32x4.add(at0, i32x4.splat(W)), at, m);
        v = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
        m = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
        best = takeIfLarger(v, best, m);
        at = v128.bitselect(i32x4.add(at0, i32x4.splat(W + 1)), at, m);
        v128.store(vals, best);
        v128.store(idx, f64x2.convert_low_i32x4_s(at));
        v128.store(idx, f64x2.convert_low_i32x4_s(v128.shuffle<i32>(at, at, 2, 3, 0, 1)), 16);
      }
      for (; ow < OW; ow++, vals += 4, idx += 8) {
        const i0 = 2 * ow;
        let best = load<f32>(r0 + (<usize>i0 << 2));
        let at = i0;
        let v = load<f32>(r0 + (<usize>(i0 + 1) << 2));
        if (v > best || v != v) { best = v; at = i0 + 1; }
        v = load<f32>(r1 + (<usize>i0 << 2));
        if (v > best || v != v) { best = v; at = i0 + W; }
        v = load<f32>(r1 + (<usize>(i0 + 1) << 2));
        if (v > best || v != v) { best = v; at = i0 + W + 1; }
        store<f32>(vals, best);
        store<f64>(idx, <f64>(base + 2 * oh * W + at));
      }
    }
  }
}

/**
 * dst = srcᵀ for a dense rows×cols float32 matrix (dst is cols×rows): 4×4 blocks transposed in
 * registers, the ragged edges element by element.
 */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  const r4 = rows & ~3, c4 = cols & ~3;
  const rs = <usize>cols << 2, ds = <usize>rows << 2;
  for (let r = 0; r < r4; r += 4) {
    const s0 = src + <usize>r * rs;
    for (let c = 0; c < c4; c += 4) {
      const s = s0 + (<usize>c << 2);
      const x0 = v128.load(s), x1 = v128.load(s + rs), x2 = v128.load(s + 2 * rs), x3 = v128.load(s + 3 * rs);
      const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
      const t2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
      const d = dst + <usize>c * ds + (<usize>r << 2);
      v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
      v128.store(d + ds, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
      v128.store(d + 2 * ds, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
      v128.store(d + 3 * ds, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
    }
  }
  for (let r = 0; r < rows; r++) {
    for (let c = r < r4 ? c4 : 0; c < cols; c++) {
      store<f32>(dst + <usize>c * ds + (<usize>r << 2), load<f32>(src + <usize>r * rs + (<usize>c << 2)));
    }
  }
}

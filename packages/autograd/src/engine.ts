import { RuntimeError, type Tensor, isFloating, onesLike, shapeEq, storageRefs, tidy, zeros } from '@flambeau/tensor';
import { applyChecked, isAnomalyEnabled } from './anomaly.js';
import { accumulateNode, gradEdge } from './edges.js';
import { withGradEnabled } from './grad_mode.js';
import { AccumulateGrad, type Edge, type Node, type TensorMeta } from './node.js';
import { sumTo } from './formulas/util.js';

/** Ready nodes, highest sequence number first (AccumulateGrad before all), as PyTorch's ready queue. */
class ReadyQueue {
  private heap: Node[] = [];
  private static before(a: Node, b: Node): boolean {
    const pa = a instanceof AccumulateGrad ? Infinity : a.seq;
    const pb = b instanceof AccumulateGrad ? Infinity : b.seq;
    return pa > pb;
  }
  get size(): number { return this.heap.length; }
  push(n: Node): void {
    const h = this.heap;
    h.push(n);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!ReadyQueue.before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  pop(): Node {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && ReadyQueue.before(h[l], h[m])) m = l;
        if (r < h.length && ReadyQueue.before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

/** Nodes from which a target can be reached (post-order over the DAG). */
function reachingTargets(roots: readonly Node[], targets: ReadonlySet<Node>): Set<Node> {
  const needed = new Set<Node>();
  const visited = new Set<Node>();
  for (const root of roots) {
    if (visited.has(root)) continue;
    visited.add(root);
    const stack: { n: Node; i: number }[] = [{ n: root, i: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.i < top.n.next.length) {
        const e = top.n.next[top.i++];
        if (e && !visited.has(e.node)) {
          visited.add(e.node);
          stack.push({ n: e.node, i: 0 });
        }
      } else {
        stack.pop();
        if (targets.has(top.n) || top.n.next.some((e) => e !== null && needed.has(e.node))) needed.add(top.n);
      }
    }
  }
  return needed;
}

/** Reshapes/casts a gradient to the input it flows into (PyTorch's validate_outputs). */
function conform(node: Node, i: number, g: Tensor, meta: TensorMeta): Tensor {
  let r = g;
  if (!shapeEq(r.shape, meta.shape)) {
    const lead = r.ndim - meta.shape.length;
    const ok = lead >= 0 && meta.shape.every((s, k) => s === r.shape[lead + k] || s === 1);
    if (!ok) {
      throw new RuntimeError(`Function ${node.name} returned an invalid gradient at index ${i} - got [${r.shape.join(', ')}] but expected shape compatible with [${meta.shape.join(', ')}]`);
    }
    r = sumTo(r, meta.shape);
  }
  if (r.dtype !== meta.dtype) r = r.to(meta.dtype);
  if (r.device !== meta.device) r = r.to({ device: meta.device });
  return r;
}

interface Capture {
  /** Where each requested gradient arrives. */
  edges: Edge[];
  /** Leaves whose AccumulateGrad should not run (autograd.grad collects instead). */
  collectOnly: boolean;
}

/**
 * Runs backward from `roots` seeded with `rootGrads`: each node once, in reverse topological
 * order (dependency counting), gradients summed per input. With `capture`, only the part of the
 * graph leading to the captured edges runs, and their gradients are returned.
 */
function execute(roots: Edge[], rootGrads: Tensor[], keepGraph: boolean, createGraph: boolean, capture: Capture | null): (Tensor | null)[] {
  const rootNodes = roots.map((e) => e.node);
  const targetNodes = capture ? new Set(capture.edges.map((e) => e.node)) : null;
  const needed = targetNodes ? reachingTargets(rootNodes, targetNodes) : null;
  const isNeeded = (n: Node) => needed === null || needed.has(n);

  const deps = new Map<Node, number>();
  const seen = new Set<Node>();
  const stack = rootNodes.filter(isNeeded);
  for (const n of stack) seen.add(n);
  while (stack.length > 0) {
    const n = stack.pop()!;
    for (const e of n.next) {
      if (!e || !isNeeded(e.node)) continue;
      deps.set(e.node, (deps.get(e.node) ?? 0) + 1);
      if (!seen.has(e.node)) {
        seen.add(e.node);
        stack.push(e.node);
      }
    }
  }

  const buffers = new Map<Node, (Tensor | null)[]>();
  const owned = new GradOwnership(!createGraph);
  const add = (e: Edge, g: Tensor) => {
    let buf = buffers.get(e.node);
    if (!buf) buffers.set(e.node, (buf = new Array<Tensor | null>(e.node.outputMeta.length).fill(null)));
    const prev = buf[e.nr];
    owned.hold(g);
    if (!prev) {
      buf[e.nr] = g;
      return;
    }
    const sum = prev.add(g);
    owned.adopt(sum);
    owned.hold(sum);
    owned.drop(prev);
    owned.drop(g);
    buf[e.nr] = sum;
  };
  const captured: (Tensor | null)[] = capture ? capture.edges.map(() => null) : [];

  return withGradEnabled(createGraph, () => {
    roots.forEach((e, k) => add(e, rootGrads[k]));
    const ready = new ReadyQueue();
    for (const n of seen) if (!deps.get(n)) ready.push(n);
    while (ready.size > 0) {
      const node = ready.pop();
      const grads = buffers.get(node) ?? new Array<Tensor | null>(node.outputMeta.length).fill(null);
      buffers.delete(node);
      const consumed = grads.slice();
      // Hooks and user code (custom Functions) may keep the gradients they see: those stay the
      // garbage collector's. AccumulateGrad copies what it stores.
      if (node.preHooks || (!node.freesGrads && !(node instanceof AccumulateGrad))) consumed.forEach((g) => g && owned.protect(g));
      if (node.preHooks) {
        for (const [nr, hooks] of node.preHooks) {
          for (const h of hooks) {
            const g = grads[nr];
            if (!g) continue;
            const r = h(g);
            if (r) grads[nr] = r;
          }
        }
      }
      if (capture) {
        capture.edges.forEach((e, k) => {
          const g = e.node === node ? grads[e.nr] : null;
          if (g) captured[k] = owned.protect(captured[k] ? captured[k]!.add(g) : g);
        });
      }
      const isLeaf = node instanceof AccumulateGrad;
      const runs = isLeaf ? !capture?.collectOnly : node.next.some((e) => e !== null && isNeeded(e.node));
      let outs: (Tensor | null | undefined)[] = [];
      if (runs && grads.some((g) => g)) {
        const full = grads.map((g, i) => g ?? (node.materializeGrads && isFloating(node.outputMeta[i].dtype) ? owned.adopt(zerosOf(node.outputMeta[i])) : null)) as Tensor[];
        if (isLeaf) (node as AccumulateGrad).handOver = owned.exclusive(full[0]);
        const run = () => (isAnomalyEnabled() ? applyChecked(node, full) : node.apply(full));
        // A built-in formula's temporaries die with it; what it returns is the engine's to free.
        outs = owned.enabled && node.freesGrads ? tidy(run) : run();
        if (owned.enabled && node.freesGrads) for (const o of outs) if (o && !full.includes(o)) owned.adopt(o);
        full.forEach((g, i) => g && g !== grads[i] && consumed.push(g));
        // A gradient the leaf took as its `.grad` is the leaf's now, not the engine's to free.
        if (isLeaf && (node as AccumulateGrad).variable.grad === full[0]) owned.protect(full[0]);
      }
      if (!keepGraph) node.release();
      node.next.forEach((e, i) => {
        if (!e || !isNeeded(e.node)) return;
        const g = outs[i];
        if (g) {
          const c = conform(node, i, g, node.inputMeta[i]!);
          if (c !== g && owned.has(g)) owned.adopt(c);
          add(e, c);
        }
        const left = deps.get(e.node)! - 1;
        deps.set(e.node, left);
        if (left === 0) ready.push(e.node);
      });
      for (const o of outs) if (o) owned.release(o);
      for (const g of consumed) if (g) owned.drop(g);
    }
    return captured;
  });
}

/**
 * Which gradient tensors the engine made (formula outputs, sums, zeros) and how many buffer slots
 * hold each: one that no slot holds any more is disposed at once, so device memory for gradients
 * is returned while backward runs instead of at garbage collection. Off under `createGraph`
 * (the gradients are part of the new graph) and for tensors hooks or `autograd.grad` hand out.
 */
class GradOwnership {
  private readonly mine = new Set<Tensor>();
  private readonly kept = new Set<Tensor>();
  private readonly uses = new Map<Tensor, number>();
  constructor(readonly enabled: boolean) {}
  has(t: Tensor): boolean { return this.mine.has(t); }
  adopt(t: Tensor): Tensor {
    if (this.enabled && !this.kept.has(t)) this.mine.add(t);
    return t;
  }
  protect(t: Tensor): Tensor {
    this.kept.add(t);
    this.mine.delete(t);
    return t;
  }
  /**
   * Whether `t` is the engine's alone: made by it, held by one buffer slot, dense over the whole
   * of a storage no other tensor object holds (a view qualifies once the formula's temporaries it
   * viewed are gone), so a leaf may keep its storage as its `.grad`.
   */
  exclusive(t: Tensor): boolean {
    return this.mine.has(t) && this.uses.get(t) === 1 && t.offset === 0 && t.isContiguous()
      && t.storage.size === t.numel() && storageRefs(t.storage) === 1;
  }
  hold(t: Tensor): void { this.uses.set(t, (this.uses.get(t) ?? 0) + 1); }
  drop(t: Tensor): void {
    const n = (this.uses.get(t) ?? 0) - 1;
    if (n > 0) {
      this.uses.set(t, n);
      return;
    }
    this.uses.delete(t);
    this.release(t);
  }
  /** Disposes `t` if the engine made it and no buffer slot holds it. */
  release(t: Tensor): void {
    if (!this.mine.has(t) || this.uses.has(t)) return;
    this.mine.delete(t);
    t.dispose();
  }
}

function zerosOf(m: TensorMeta): Tensor {
  return zeros(m.shape as number[], { dtype: m.dtype, device: m.device });
}

function rootEdge(t: Tensor, k: number): Edge {
  const e = gradEdge(t);
  if (!e) throw new RuntimeError(`element ${k} of tensors does not require grad and does not have a grad_fn`);
  return e;
}

function rootGradients(outputs: Tensor[], gradOutputs: readonly (Tensor | null | undefined)[] | undefined): Tensor[] {
  return outputs.map((o, k) => {
    const g = gradOutputs?.[k];
    if (g == null) {
      if (o.numel() !== 1) throw new RuntimeError('grad can be implicitly created only for scalar outputs');
      return onesLike(o);
    }
    if (!shapeEq(g.shape, o.shape)) {
      throw new RuntimeError(`Mismatch in shape: grad_output[${k}] has a shape of torch.Size([${g.shape.join(', ')}]) and output[${k}] has a shape of torch.Size([${o.shape.join(', ')}]).`);
    }
    return g;
  });
}

export interface BackwardOptions {
  /** Keep saved tensors so the graph can be differentiated again (`retain_graph`). */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients (`create_graph`). */
  createGraph?: boolean;
  /** Accumulate only into these tensors' `.grad` (`inputs=`). */
  inputs?: Tensor[];
}

/**
 * `torch.autograd.backward(tensors, grad_tensors)`: accumulates gradients of `tensors` into the
 * `.grad` of the leaves (or of `inputs`). `t.backward()` calls this.
 *
 * @example
 * backward([loss]); // same as loss.backward()
 */
export function backward(tensors: Tensor | Tensor[], gradTensors?: Tensor | (Tensor | null | undefined)[], opts: BackwardOptions = {}): void {
  const outs = Array.isArray(tensors) ? tensors : [tensors];
  const gos = gradTensors === undefined ? undefined : Array.isArray(gradTensors) ? gradTensors : [gradTensors];
  const edges = outs.map(rootEdge);
  const grads = rootGradients(outs, gos);
  const keep = opts.retainGraph ?? opts.createGraph ?? false;
  if (!opts.inputs) {
    execute(edges, grads, keep, opts.createGraph ?? false, null);
    return;
  }
  if (opts.inputs.length === 0) throw new RuntimeError("'inputs' argument to backward() cannot be empty.");
  const inputs = opts.inputs;
  const targets = inputs.map((t) => {
    if (!t.requiresGrad) throw new RuntimeError('One of the differentiated Tensors does not require grad');
    return t.gradFn ? gradEdge(t)! : { node: accumulateNode(t), nr: 0 };
  });
  const got = execute(edges, grads, keep, opts.createGraph ?? false, { edges: targets, collectOnly: false });
  // Non-leaf inputs get their gradient too, as PyTorch does for `inputs=`.
  inputs.forEach((t, k) => {
    const g = got[k];
    if (t.gradFn && g) t.grad = t.grad ? t.grad.add(g) : g.clone();
  });
}

export interface GradOptions {
  /** The vector in the vector-Jacobian product (`grad_outputs`); defaults to ones for scalars. */
  gradOutputs?: Tensor | (Tensor | null | undefined)[];
  retainGraph?: boolean;
  createGraph?: boolean;
  /** Return null for inputs the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

/**
 * `torch.autograd.grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
 * allow_unused=False)`: gradients of `outputs` with respect to `inputs`, without touching `.grad`.
 *
 * @example
 * const [dx] = grad(x.pow(3).sum(), [x], { createGraph: true });
 */
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], opts: GradOptions = {}): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const gos = opts.gradOutputs === undefined ? undefined : Array.isArray(opts.gradOutputs) ? opts.gradOutputs : [opts.gradOutputs];
  const edges = outs.map(rootEdge);
  const grads = rootGradients(outs, gos);
  const targets = ins.map((t) => {
    const e = gradEdge(t);
    if (!e) throw new RuntimeError('One of the differentiated Tensors does not require grad');
    return e;
  });
  const createGraph = opts.createGraph ?? false;
  const got = execute(edges, grads, opts.retainGraph ?? createGraph, createGraph, { edges: targets, collectOnly: true });
  return got.map((g, k) => {
    if (g === null && !opts.allowUnused) {
      throw new RuntimeError('One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.');
    }
    return g === null ? null : conformInput(g, ins[k]);
  });
}

function conformInput(g: Tensor, t: Tensor): Tensor {
  return g.dtype === t.dtype ? g : g.to(t.dtype);
}

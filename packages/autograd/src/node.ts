import { type DType, type Device, type GradFn, type Storage, RuntimeError, type Tensor, dtypeTitle, releaseStorage, retainStorage } from '@flambeau/tensor';

/** Where a gradient goes: output `nr` of `node`. */
export interface Edge {
  readonly node: Node;
  readonly nr: number;
}

/** What backward needs to know about a tensor without keeping it alive. */
export interface TensorMeta {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly device: Device;
  readonly strides: readonly number[];
  readonly offset: number;
  readonly storageSize: number;
}

export function metaOf(t: Tensor): TensorMeta {
  return { shape: t.shape, dtype: t.dtype, device: t.device, strides: t.strides, offset: t.offset, storageSize: t.storage.size };
}

export type Hook = (grad: Tensor) => Tensor | void;

/** Per-tensor state kept in `Tensor._autograd`. */
export interface TensorState {
  /** Which output of its `gradFn` this tensor is. */
  outputNr?: number;
  /** The AccumulateGrad node of a leaf. */
  acc?: AccumulateGrad;
  retainsGrad?: boolean;
  /** The tensor whose history in-place writes through this view update (null: not a view). */
  viewRoot?: Tensor | null;
}

export function stateOf(t: Tensor): TensorState {
  let s = t._autograd as TensorState | undefined;
  if (!s) t._autograd = s = {};
  return s;
}

export function outputNr(t: Tensor): number {
  return (t._autograd as TensorState | undefined)?.outputNr ?? 0;
}

/** The tensor an in-place write to `t` must rebase (PyTorch's `_base` of a differentiable view). */
export function viewBase(t: Tensor): Tensor | null {
  const s = t._autograd as TensorState | undefined;
  if (s?.viewRoot !== undefined) return s.viewRoot;
  return t._base;
}

let sequence = 0;

/** Drops the saved-storage references of nodes collected without running backward. */
const heldFinalizer = typeof FinalizationRegistry === 'undefined'
  ? null
  : new FinalizationRegistry<Storage[]>((held) => { for (const s of held) releaseStorage(s); });

/** A tensor saved for backward, with the version it had (PyTorch's SavedVariable). */
export class SavedVar {
  version: number;

  /**
   * `savingNode`: the node that saves one of its own outputs, named in the in-place error message;
   * for other tensors the message names their history at the time of the error, as PyTorch.
   */
  constructor(
    public tensor: Tensor,
    private readonly savingNode: GradFn | null = null,
  ) {
    this.version = tensor._version.value;
  }

  unpack(): Tensor {
    const t = this.tensor;
    if (t._version.value !== this.version) {
      const producer = this.savingNode ?? t.gradFn;
      const which = producer ? `, which is output ${outputNr(t)} of ${producer.name},` : '';
      throw new RuntimeError(
        `one of the variables needed for gradient computation has been modified by an inplace operation: [torch.${dtypeTitle(t.dtype)}Tensor [${t.shape.join(', ')}]]${which} is at version ${t._version.value}; expected version ${this.version} instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).`,
      );
    }
    return t;
  }
}

export const FREED_MESSAGE =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

export type BackwardFn = (grads: Tensor[], node: Node) => (Tensor | null | undefined)[];

/**
 * One recorded op: edges to the nodes that produced its inputs, the tensors its backward formula
 * saved, and the formula itself. `name` is PyTorch's class name (`MulBackward0`).
 */
export class Node implements GradFn {
  readonly seq = sequence++;
  /** Hooks on the gradients of this node's outputs (tensor hooks and retain_grad), by output. */
  preHooks: Map<number, Hook[]> | null = null;
  /** Whether missing output gradients reach the backward function as zeros (else as null). */
  materializeGrads = true;
  /** Stack of the forward call, kept in anomaly mode. */
  trace: string | null = null;
  /**
   * True for built-in formulas, whose outputs and temporaries the engine may free as soon as they
   * are consumed; false for user code (custom Functions, hooks) that may keep what it returns.
   */
  freesGrads = false;
  private saved: SavedVar[] | null = [];
  private released = false;

  constructor(
    readonly name: string,
    readonly next: readonly (Edge | null)[],
    readonly inputMeta: readonly (TensorMeta | null)[],
    readonly outputMeta: readonly TensorMeta[],
    private readonly fn: BackwardFn,
  ) {}

  /** Saves `t` for backward; `isOutput` when `t` is an output of this node. */
  save(t: Tensor, isOutput: boolean): SavedVar {
    const v = new SavedVar(t, isOutput ? this : null);
    this.saved!.push(v);
    this.hold(t.storage);
    return v;
  }

  /**
   * The graph's own reference to a saved storage, until the node is released — or collected: a
   * graph that never runs backward (a forward under grad mode whose loss is dropped) must not
   * keep device memory.
   */
  private held: Storage[] | null = null;
  private hold(s: Storage): void {
    if (s.backend.name === 'cpu') return;
    retainStorage(s);
    if (!this.held) {
      this.held = [];
      heldFinalizer?.register(this, this.held, this);
    }
    this.held.push(s);
  }
  private unholdAll(): void {
    if (!this.held) return;
    heldFinalizer?.unregister(this);
    for (const s of this.held) releaseStorage(s);
    this.held = null;
  }

  /**
   * Swaps a saved tensor that is about to be overwritten for a copy of its current values (used
   * before in-place writes), unless it was already modified since it was saved.
   */
  resave(t: Tensor, copy: () => Tensor): void {
    for (const v of this.saved ?? []) {
      if (v.tensor !== t || t._version.value !== v.version) continue;
      v.tensor = copy();
      this.hold(v.tensor.storage);
      v.version = v.tensor._version.value;
    }
  }

  unpack(v: SavedVar): Tensor {
    if (this.released) throw new RuntimeError(FREED_MESSAGE);
    return v.unpack();
  }

  apply(grads: Tensor[]): (Tensor | null | undefined)[] {
    return this.fn(grads, this);
  }

  /** Frees saved tensors after a backward pass that did not retain the graph. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.unholdAll();
    this.saved = null;
  }

  addPreHook(nr: number, h: Hook): () => void {
    this.preHooks ??= new Map();
    const list = this.preHooks.get(nr) ?? [];
    list.push(h);
    this.preHooks.set(nr, list);
    return () => {
      const i = list.indexOf(h);
      if (i >= 0) list.splice(i, 1);
    };
  }
}

/** The sink node of a leaf tensor: adds incoming gradients into `variable.grad`. */
export class AccumulateGrad extends Node {
  /**
   * Set by the engine for the run at hand: the incoming gradient is a dense tensor that nothing
   * else holds, so a first `.grad` may take it as it is instead of a copy (PyTorch steals it too).
   */
  handOver = false;
  constructor(readonly variable: Tensor, accumulate: (t: Tensor, g: Tensor, handOver: boolean) => void) {
    super('AccumulateGrad', [], [], [metaOf(variable)], (grads, node) => {
      accumulate(variable, grads[0], (node as AccumulateGrad).handOver);
      return [];
    });
  }
}

import type { Module } from '@flambeau/nn';
import type { Call, GraphBuilder } from './graph.js';

/**
 * A symbolic function: emits the ONNX nodes of one traced op (or leaf module call) and returns
 * the names of its outputs, `null` for outputs it does not produce (unused extras).
 */
export type Symbolic = (g: GraphBuilder, c: Call) => string | (string | null)[];

const ops = new Map<string, Symbolic>();
const modules = new Map<unknown, Symbolic>();

/** Registers the ONNX mapping of ops by their dispatcher name (`conv2d`, `addmm`). */
export function registerOp(names: string | readonly string[], fn: Symbolic): void {
  for (const n of typeof names === 'string' ? [names] : names) ops.set(n, fn);
}

/**
 * Registers a module class exported as a whole (a "leaf"): its forward is not traced, the
 * symbolic reads the module's configuration and parameters instead. Subclasses are not leaves
 * (their forward may differ).
 */
export function registerModule(ctors: readonly (abstract new (...a: any[]) => Module)[], fn: Symbolic): void {
  for (const c of ctors) modules.set(c, fn);
}

export function opSymbolic(name: string): Symbolic | undefined {
  return ops.get(name);
}

export function moduleSymbolic(m: Module): Symbolic | undefined {
  return modules.get(Object.getPrototypeOf(m)?.constructor);
}

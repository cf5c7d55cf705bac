/** The opsets this exporter writes: onnxruntime-node 1.30 reads up to 26 (and IR version 13). */
export const MIN_OPSET = 13;
export const MAX_OPSET = 26;
export const DEFAULT_OPSET = 18;

// The IR version each ONNX release shipped with its newest opset (onnx/docs/Versioning.md).
const IR_FOR_OPSET: Record<number, number> = {
  13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10, 22: 10, 23: 11, 24: 12, 25: 13, 26: 13,
};

/** The lowest IR version that may carry `opset` (what a checker expects a writer to pick). */
export function irVersionFor(opset: number): number {
  const ir = IR_FOR_OPSET[opset];
  if (ir === undefined) throw new RangeError(`no IR version known for opset ${opset}`);
  return ir;
}

/**
 * `@flambeau/onnx` — `torch.onnx.export` for Flambeau: `exportOnnx` traces a model's forward
 * through the dispatcher and writes standard ONNX (opsets 13–26) that onnxruntime runs;
 * `checkOnnx` validates a model file's structure.
 *
 * @example
 * import { exportOnnx } from '@flambeau/onnx';
 * exportOnnx(net, [torch.randn(1, 3, 32, 32)], 'net.onnx', { dynamicAxes: { input: [0], output: [0] } });
 *
 * @module @flambeau/onnx
 */
export { exportOnnx, type ExportOptions, type DynamicAxes } from './export.js';
export { checkOnnx, type OnnxSummary } from './check.js';
export { OnnxExportError, OnnxValidationError } from './errors.js';
export { registerOp, registerModule, type Symbolic } from './registry.js';
export type { Call, GraphBuilder, Operand } from './graph.js';
export { MIN_OPSET, MAX_OPSET, DEFAULT_OPSET } from './opset.js';

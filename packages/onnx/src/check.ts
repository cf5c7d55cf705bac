import { readFileSync } from 'node:fs';
import { fromBinary } from '@bufbuild/protobuf';
import { type ModelProto, ModelProtoSchema, type TensorProto, TensorProto_DataLocation } from 'onnx-buf';
import { ELEMENT_BYTES } from './proto.js';
import { MAX_OPSET, irVersionFor } from './opset.js';
import { OnnxValidationError } from './errors.js';

/** What `checkOnnx` found in a valid model. */
export interface OnnxSummary {
  irVersion: number;
  opsetVersion: number;
  nodes: number;
  initializers: number;
  inputs: string[];
  outputs: string[];
}

function fail(msg: string): never {
  throw new OnnxValidationError(msg);
}

function checkInitializer(t: TensorProto): void {
  if (t.name === '') fail('an initializer has no name');
  if (t.dims.some((d) => d < 0n)) fail(`initializer '${t.name}' has a negative dimension [${t.dims.join(', ')}]`);
  const bytes = ELEMENT_BYTES[t.dataType as keyof typeof ELEMENT_BYTES];
  if (bytes === undefined) fail(`initializer '${t.name}' has unsupported data type ${t.dataType}`);
  if (t.dataLocation === TensorProto_DataLocation.EXTERNAL) return;
  const n = t.dims.reduce((a, d) => a * Number(d), 1);
  const stored = t.rawData.length > 0 ? t.rawData.length / bytes
    : t.floatData.length + t.int32Data.length + t.int64Data.length + t.doubleData.length + t.uint64Data.length;
  if (stored !== n) fail(`initializer '${t.name}' has ${stored} elements but its shape [${t.dims.join(', ')}] holds ${n}`);
}

/**
 * Structural validation of an ONNX model (`onnx.checker.check_model`'s graph rules): IR version
 * and opset imports present and paired, nodes topologically sorted with every input defined
 * once, initializers consistent with their shapes and types, outputs produced.
 *
 * @example
 * checkOnnx('net.onnx'); // { irVersion: 8, opsetVersion: 18, nodes: 12, ... }
 */
export function checkOnnx(pathOrBytes: string | Uint8Array): OnnxSummary {
  const bytes = typeof pathOrBytes === 'string' ? readFileSync(pathOrBytes) : pathOrBytes;
  let model: ModelProto;
  try {
    model = fromBinary(ModelProtoSchema, bytes);
  } catch (e) {
    fail(`not an ONNX model: ${(e as Error).message}`);
  }
  return checkModel(model);
}

/** `checkOnnx` of a parsed model. */
export function checkModel(model: ModelProto): OnnxSummary {
  const ir = Number(model.irVersion);
  if (ir < 3 || ir > 13) fail(`IR version ${ir} is not supported (3 to 13)`);
  const def = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (!def) fail('the model imports no default-domain (ai.onnx) opset');
  const opset = Number(def.version);
  if (opset < 1 || opset > MAX_OPSET) fail(`opset ${opset} is not supported (1 to ${MAX_OPSET})`);
  if (opset >= 13 && ir < irVersionFor(opset)) fail(`opset ${opset} needs IR version ${irVersionFor(opset)} or newer, the model has ${ir}`);
  const graph = model.graph ?? fail('the model has no graph');

  const defined = new Set<string>();
  const define = (name: string, what: string): void => {
    if (name === '') return;
    if (defined.has(name)) fail(`'${name}' (${what}) is defined more than once`);
    defined.add(name);
  };
  const inits = new Set<string>();
  for (const t of graph.initializer) {
    checkInitializer(t);
    inits.add(t.name);
    define(t.name, 'initializer');
  }
  // Initializers may also be listed as graph inputs (keep_initializers_as_inputs).
  for (const i of graph.input) if (!inits.has(i.name)) define(i.name, 'graph input');
  graph.node.forEach((n, k) => {
    if (n.opType === '') fail(`node ${k} ('${n.name}') has no op type`);
    for (const i of n.input) {
      if (i !== '' && !defined.has(i)) fail(`node '${n.name}' (${n.opType}) reads '${i}', which is not defined before it: the graph is not topologically sorted or an input is missing`);
    }
    for (const o of n.output) define(o, `output of '${n.name}'`);
  });
  for (const o of graph.output) if (!defined.has(o.name)) fail(`graph output '${o.name}' is never produced`);
  return {
    irVersion: ir, opsetVersion: opset, nodes: graph.node.length, initializers: graph.initializer.length,
    inputs: graph.input.filter((i) => !inits.has(i.name)).map((i) => i.name), outputs: graph.output.map((o) => o.name),
  };
}

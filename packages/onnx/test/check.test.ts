import { describe, expect, it } from 'vitest';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { type ModelProto, ModelProtoSchema } from 'onnx-buf';
import { manualSeed, randn } from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import { OnnxValidationError, checkOnnx, exportOnnx } from '../src/index.js';
import { nodeProto } from '../src/proto.js';

/** checkOnnx on an exported model, and on copies broken one way each. */
describe('checkOnnx', () => {
  manualSeed(0);
  const good = exportOnnx(new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU()), [randn(2, 3)], { returnBytes: true, }, { opsetVersion: 17 });
  const broken = (edit: (m: ModelProto) => void): Uint8Array => {
    const m = fromBinary(ModelProtoSchema, good);
    edit(m);
    return toBinary(ModelProtoSchema, m);
  };
  const refuses = (bytes: Uint8Array, message: RegExp) => {
    expect(() => checkOnnx(bytes)).toThrow(OnnxValidationError);
    expect(() => checkOnnx(bytes)).toThrow(message);
  };

  it('summarises a valid model', () => {
    expect(checkOnnx(good)).toEqual({ irVersion: 8, opsetVersion: 17, nodes: 2, initializers: 2, inputs: ['input'], outputs: ['output'] });
  });
  it('bytes that are not a model', () => refuses(new Uint8Array([0xff, 0xff, 0xff]), /^not an ONNX model/));
  it('nodes out of topological order', () => refuses(broken((m) => m.graph!.node.reverse()), /reads '\/0\/Gemm_output_0', which is not defined before it/));
  it('an input nobody defines', () => refuses(broken((m) => { m.graph!.node[0].input[0] = 'nope'; }), /reads 'nope'/));
  it('a value defined twice', () => refuses(broken((m) => { m.graph!.node.push(nodeProto('Relu', 'again', ['input'], ['output'], {})); }), /'output' .* is defined more than once/));
  it('an initializer whose data does not fit its shape', () => refuses(broken((m) => { m.graph!.initializer[0].dims = [5n, 3n]; }), /initializer '0.weight' has 12 elements but its shape \[5, 3\] holds 15/));
  it('no default-domain opset import', () => refuses(broken((m) => { m.opsetImport = []; }), /imports no default-domain/));
  it('an IR version too old for the opset', () => refuses(broken((m) => { m.irVersion = 6n; }), /opset 17 needs IR version 8 or newer, the model has 6/));
  it('an IR version onnxruntime 1.30 cannot read', () => refuses(broken((m) => { m.irVersion = 14n; }), /IR version 14 is not supported/));
  it('an output never produced', () => refuses(broken((m) => { m.graph!.output[0].name = 'ghost'; }), /graph output 'ghost' is never produced/));
  it('no graph', () => refuses(toBinary(ModelProtoSchema, create(ModelProtoSchema, { irVersion: 8n, opsetImport: fromBinary(ModelProtoSchema, good).opsetImport })), /has no graph/));
});

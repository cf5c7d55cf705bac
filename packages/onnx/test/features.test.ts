import { describe, expect, it } from 'vitest';
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { type Tensor, manualSeed, randn, tensor, zeros } from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import { exportOnnx } from '../src/index.js';
import { GraphBuilder, type Call, type Operand } from '../src/graph.js';
import { opSymbolic } from '../src/registry.js';
import '../src/symbolic/index.js';
import { exportAndCompare } from './ort_helpers.js';

const F = nn.F;

describe('tracing custom forwards', () => {
  it('functional ops, JS scalars on either side, and constants made inside forward', async () => {
    class Custom extends nn.Module {
      fc = new nn.Linear(6, 6);
      scale = tensor([1, 2, 3, 4, 5, 6], { dtype: 'float32' }).div(6);
      override forward(x: Tensor): Tensor {
        const h = F.relu(this.fc(x)).mul(2).add(1);
        const offset = tensor([0.5, -0.5, 0.25, 0, 1, 2], { dtype: 'float32' });
        // rsub: a scalar on the left; pow and div with a scalar; a constant of a fixed shape.
        return h.rsub(3).pow(2).div(4).mul(this.scale).add(offset).softmax(-1).view(-1, 2, 3).permute(0, 2, 1).flatten(1);
      }
    }
    manualSeed(0);
    const { maxDiff } = await exportAndCompare(new Custom(), [randn(2, 6)], [randn(5, 6)], { dynamicAxes: { input: [0] } });
    expect(maxDiff).toBeLessThanOrEqual(1e-5);
  });

  it('zeros made in forward with the batch size become ConstantOfShape, not the example batch', async () => {
    class WithState extends nn.Module {
      lstm = new nn.LSTM(3, 4, { batchFirst: true });
      override forward(x: Tensor): Tensor {
        const h0 = zeros(1, x.shape[0], 4);
        return this.lstm(x, [h0, h0.add(0.5)])[0];
      }
    }
    manualSeed(0);
    const { maxDiff, bytes } = await exportAndCompare(new WithState(), [randn(2, 5, 3)], [randn(6, 5, 3)], { dynamicAxes: { input: [0] } });
    expect(maxDiff).toBeLessThanOrEqual(1e-5);
    expect(fromBinary(ModelProtoSchema, bytes).graph!.node.map((n) => n.opType)).toContain('ConstantOfShape');
  });

  it('an LSTM with initial states given as graph inputs', async () => {
    class Wrap extends nn.Module {
      lstm = new nn.LSTM(3, 4, { numLayers: 2 });
      override forward(x: Tensor, h: Tensor, c: Tensor): [Tensor, [Tensor, Tensor]] { return this.lstm(x, [h, c]); }
    }
    manualSeed(0);
    const ex = [randn(5, 2, 3), randn(2, 2, 4), randn(2, 2, 4)];
    const test = [randn(7, 3, 3), randn(2, 3, 4), randn(2, 3, 4)];
    const { maxDiff } = await exportAndCompare(new Wrap(), ex, test, { inputNames: ['x', 'h0', 'c0'], dynamicAxes: { x: [0, 1], h0: [1], c0: [1] } });
    expect(maxDiff).toBeLessThanOrEqual(1e-5);
  });

  it('a transformer with dynamic sequence and batch axes', async () => {
    manualSeed(0);
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    const { maxDiff } = await exportAndCompare(layer, [randn(4, 2, 8)], [randn(6, 3, 8)], { dynamicAxes: { input: [0, 1] } });
    expect(maxDiff).toBeLessThanOrEqual(1e-5);
  });
});

describe('every opset from 13 to 26', () => {
  // One model through each op whose ONNX form changes with the opset: Reduce* (18), Shape
  // slicing (15), Trilu (14), LayerNormalization (17), GroupNormalization (21), Gelu (20),
  // Mish (18), circular Pad (19).
  class PerOpset extends nn.Module {
    conv = new nn.Conv2d(4, 4, 3, { padding: 1, paddingMode: 'circular' });
    gn = new nn.GroupNorm(2, 4);
    ln = new nn.LayerNorm(6);
    gelu = new nn.GELU();
    mish = new nn.Mish();
    up = new nn.Upsample({ size: [6, 6], mode: 'bilinear' });
    override forward(x: Tensor): Tensor {
      const y = this.mish(this.gelu(this.gn(this.conv(x))));
      const z = this.ln(this.up(y)).tril();
      return z.mean([2, 3], { keepdim: true }).add(z.amax(-1, { keepdim: true })).view(z.size(0), -1);
    }
  }
  for (let opset = 13; opset <= 26; opset++) {
    it(`opset ${opset}`, async () => {
      manualSeed(0);
      const m = new PerOpset();
      if (opset < 19) {
        // circular padding needs Pad 'wrap' (19); below it the model is refused.
        expect(() => exportOnnx(m, [randn(2, 4, 3, 3)], { returnBytes: true }, { opsetVersion: opset })).toThrow(/needs opset (14|19) or newer/);
        m.conv = new nn.Conv2d(4, 4, 3, { padding: 1, paddingMode: 'reflect' });
      }
      if (opset < 14) {
        // tril needs Trilu (14)
        expect(() => exportOnnx(m, [randn(2, 4, 3, 3)], { returnBytes: true }, { opsetVersion: opset })).toThrow(/Trilu\) needs opset 14/);
        return;
      }
      const { maxDiff } = await exportAndCompare(m, [randn(2, 4, 3, 3)], [randn(3, 4, 3, 3)], { opsetVersion: opset, dynamicAxes: { input: [0] } });
      expect(maxDiff).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe('export options', () => {
  class Two extends nn.Module {
    fc = new nn.Linear(3, 2);
    override forward(x: Tensor): [Tensor, Tensor] { return [this.fc(x), x]; }
  }

  it('outputNames, an output that is an input (Identity), metadata, IR version per opset', () => {
    manualSeed(0);
    const bytes = exportOnnx(new Two(), [randn(2, 3)], { returnBytes: true }, { outputNames: ['y', 'same'], metadata: { author: 'flambeau' }, opsetVersion: 21 });
    const m = fromBinary(ModelProtoSchema, bytes);
    expect(m.graph!.output.map((o) => o.name)).toEqual(['y', 'same']);
    expect(m.graph!.node.find((n) => n.output[0] === 'same')!.opType).toBe('Identity');
    expect(m.metadataProps.map((p) => [p.key, p.value])).toEqual([['author', 'flambeau']]);
    expect(Number(m.irVersion)).toBe(10);
  });

  it('exportParams: false makes parameters graph inputs; keepInitializersAsInputs lists them too', () => {
    manualSeed(0);
    const noParams = fromBinary(ModelProtoSchema, exportOnnx(new nn.Linear(3, 2), [randn(2, 3)], { returnBytes: true }, { exportParams: false })).graph!;
    expect(noParams.initializer).toEqual([]);
    expect(noParams.input.map((i) => i.name)).toEqual(['input', 'weight', 'bias']);
    const kept = fromBinary(ModelProtoSchema, exportOnnx(new nn.Linear(3, 2), [randn(2, 3)], { returnBytes: true }, { keepInitializersAsInputs: true })).graph!;
    expect(kept.initializer.map((i) => i.name)).toEqual(['weight', 'bias']);
    expect(kept.input.map((i) => i.name)).toEqual(['input', 'weight', 'bias']);
  });

  it('Dropout leaves no node in eval mode', () => {
    const net = new nn.Sequential(new nn.Conv2d(3, 3, 1), new nn.Dropout2d(0.2), new nn.Dropout(0.3));
    const g = fromBinary(ModelProtoSchema, exportOnnx(net, [randn(2, 3, 4, 4)], { returnBytes: true })).graph!;
    expect(g.node.map((n) => n.opType)).toEqual(['Conv']);
  });

  it('training modes are restored after export', () => {
    const net = new nn.Sequential(new nn.Linear(3, 3), new nn.Dropout(0.1));
    net.train();
    exportOnnx(net, [randn(2, 3)], { returnBytes: true });
    expect([...net.modules()].every((m) => m.training)).toBe(true);
  });

  it('doConstantFolding transposes a 3-D Linear weight at export instead of in the graph', () => {
    manualSeed(0);
    const ops = (fold: boolean) => fromBinary(ModelProtoSchema, exportOnnx(new nn.Linear(3, 2), [randn(2, 4, 3)], { returnBytes: true }, { doConstantFolding: fold })).graph!.node.map((n) => n.opType);
    expect(ops(true)).toEqual(['MatMul', 'Add']);
    expect(ops(false)).toEqual(['Transpose', 'MatMul', 'Add']);
  });

  it('doConstantFolding folds an eval BatchNorm into the Conv before it', async () => {
    manualSeed(0);
    const net = new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.Conv2d(4, 2, 1, { bias: false }), new nn.BatchNorm2d(2));
    net.train();
    for (let i = 0; i < 3; i++) net(randn(4, 3, 6, 6).mul(3));
    const ops = (fold: boolean) => fromBinary(ModelProtoSchema, exportOnnx(net, [randn(2, 3, 6, 6)], { returnBytes: true }, { doConstantFolding: fold })).graph!;
    const folded = ops(true);
    expect(folded.node.map((n) => n.opType)).toEqual(['Conv', 'Relu', 'Conv']);
    expect(folded.initializer.map((t) => t.name)).toEqual(['onnx::Conv_weight', 'onnx::Conv_bias', 'onnx::Conv_weight_1', 'onnx::Conv_bias_1']);
    expect(ops(false).node.map((n) => n.opType)).toEqual(['Conv', 'BatchNormalization', 'Relu', 'Conv', 'BatchNormalization']);
    const { maxDiff } = await exportAndCompare(net, [randn(2, 3, 6, 6)], [randn(5, 3, 6, 6)], { dynamicAxes: { input: [0] } });
    expect(maxDiff).toBeLessThanOrEqual(1e-5);
  });

  it('doConstantFolding transposes parameters at export (MultiheadAttention in_proj_weight)', () => {
    manualSeed(0);
    const g = fromBinary(ModelProtoSchema, exportOnnx(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), [randn(5, 2, 8)], { returnBytes: true })).graph!;
    expect(g.node.filter((n) => n.opType === 'Transpose' && g.initializer.some((t) => t.name === n.input[0]))).toEqual([]);
    expect(g.initializer.map((t) => t.name)).toContain('onnx::Transpose_self_attn.in_proj_weight');
  });
});

describe('scalars arrive as attributes (attrs.scalar, attrs.reverse for the left operand)', () => {
  const x: Operand = { name: 'x', dtype: 'float32', shape: [2], shapeB: [3], ref: { kind: 'value', id: 0 } };
  const emit = (c: Partial<Call>) => {
    const g = new GraphBuilder(18, true, () => new Float32Array());
    const call: Call = { op: 'sub', path: '', attrs: {}, attrsB: {}, inputs: [], outputs: [{ shape: [2], shapeB: [3], dtype: 'float32', used: true }], module: null, args: [], param: () => null, tensor: () => null, ...c };
    const out = opSymbolic('sub')!(g, call);
    return { out, nodes: g.nodes.map((n) => [n.opType, n.input.join(',')]) };
  };
  it('rsub(3) gives Sub(Constant 3, x)', () => {
    expect(emit({ inputs: [x], attrs: { scalar: 3, reverse: true } }).nodes).toEqual([['Constant', ''], ['Sub', '/Constant_output_0,x']]);
  });
  it('x - 3: the scalar on the right', () => {
    expect(emit({ inputs: [x], attrs: { scalar: 3 } }).nodes).toEqual([['Constant', ''], ['Sub', 'x,/Constant_output_0']]);
  });
});

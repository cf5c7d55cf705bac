import { describe, expect, it } from 'vitest';
import { type Tensor, dispatchDepth, installInterceptor, manualSeed, rand } from '@flambeau/tensor';
import { noGrad } from '@flambeau/autograd';
import * as nn from '@flambeau/nn';

/**
 * ONNX export will be a tracing interceptor on the dispatcher (DESIGN: "tracing records ops and
 * shapes"). This checks the hook sees a model's top-level ops, in order, with their shapes and
 * attributes, without the model knowing.
 */
describe('tracing interceptor', () => {
  it('records the top-level ops of a forward pass', () => {
    manualSeed(0);
    const net = new nn.Sequential(new nn.Conv2d(3, 8, 5), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(8 * 14 * 14, 10));
    const x = rand(2, 3, 32, 32);
    const trace: { op: string; inputs: number[][]; output: number[]; attrs: Record<string, unknown> }[] = [];
    const remove = installInterceptor('trace', (op, inputs, attrs, next) => {
      const out = next();
      if (dispatchDepth() === 1) {
        const first = Array.isArray(out) ? out[0] : out;
        trace.push({ op, inputs: inputs.map((t) => [...t.shape]), output: [...(first as Tensor).shape], attrs });
      }
      return out;
    });
    try {
      noGrad(() => net(x));
    } finally {
      remove();
    }
    expect(trace.map((t) => t.op)).toEqual(['conv2d', 'relu', 'maxPool2d', 'flatten', 'transpose', 'addmm']);
    expect(trace[0].inputs).toEqual([[2, 3, 32, 32], [8, 3, 5, 5], [8]]);
    expect(trace[0].attrs).toMatchObject({ stride: [1, 1], padding: [0, 0], groups: 1 });
    expect(trace[2].output).toEqual([2, 8, 14, 14]);
    expect(trace[5].inputs).toEqual([[10], [2, 1568], [1568, 10]]);
    expect(trace[5].output).toEqual([2, 10]);
  });
});

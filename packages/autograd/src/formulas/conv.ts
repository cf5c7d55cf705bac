import { type Attrs, dispatch1 } from '@flambeau/tensor';
import { registerFormulas } from '../registry.js';

/** The attributes that describe the convolution itself (what its backward ops take). */
function convAttrs(a: Attrs): Attrs {
  return { stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups };
}

registerFormulas({
  conv2d: {
    name: 'ConvolutionBackward0',
    save: (needs) => ({ inputs: [...(needs[1] ? [0] : []), ...(needs[0] ? [1] : [])] }),
    backward: ([g], c) => {
      const attrs = convAttrs(c.attrs);
      const gx = c.needs[0] ? dispatch1('conv2dBackwardInput', [g, c.input(1)], { ...attrs, inputShape: [...c.inputs[0].shape] }) : null;
      const gw = c.needs[1] ? dispatch1('conv2dBackwardWeight', [g, c.input(0)], { ...attrs, weightShape: [...c.inputs[1].shape] }) : null;
      const gb = c.inputs.length > 2 && c.needs[2] ? g.sum(g.ndim === 4 ? [0, 2, 3] : [1, 2]) : null;
      return [gx, gw, gb];
    },
  },
  // conv_transpose2d runs as this op: linear in both inputs, so its gradients are a forward
  // convolution (for gradOut) and the weight gradient with the roles of gradOut and input swapped.
  conv2dBackwardInput: {
    name: 'ConvolutionBackward0',
    save: (needs) => ({ inputs: [...(needs[1] ? [0] : []), ...(needs[0] ? [1] : [])] }),
    backward: ([g], c) => {
      const attrs = convAttrs(c.attrs);
      const gy = c.needs[0] ? dispatch1('conv2d', [g, c.input(1)], attrs) : null;
      const gw = c.needs[1] ? dispatch1('conv2dBackwardWeight', [c.input(0), g], { ...attrs, weightShape: [...c.inputs[1].shape] }) : null;
      return [gy, gw];
    },
  },
  // Linear in both inputs too: what makes double backward through conv2d work.
  conv2dBackwardWeight: {
    name: 'ConvolutionBackwardBackward0',
    save: (needs) => ({ inputs: [...(needs[1] ? [0] : []), ...(needs[0] ? [1] : [])] }),
    backward: ([g], c) => {
      const attrs = convAttrs(c.attrs);
      const gy = c.needs[0] ? dispatch1('conv2d', [c.input(1), g], attrs) : null;
      const gx = c.needs[1] ? dispatch1('conv2dBackwardInput', [c.input(0), g], { ...attrs, inputShape: [...c.inputs[1].shape] }) : null;
      return [gy, gx];
    },
  },
  maxPool2d: {
    name: 'MaxPool2DWithIndicesBackward0',
    save: { outputs: [1] },
    backward: ([g], c) => [dispatch1('maxPool2dBackward', [g, c.output(1)], { inputShape: [...c.inputs[0].shape] })],
  },
  maxPool2dBackward: {
    name: 'MaxPool2DWithIndicesBackwardBackward0',
    save: { inputs: [1] },
    backward: ([g], c) => {
      const indices = c.input(1);
      const planes = g.flatten(-2);
      return [planes.gather(-1, indices.flatten(-2)).reshape([...indices.shape]), null];
    },
  },
  avgPool2dBackward: {
    name: 'AvgPool2DBackwardBackward0',
    backward: ([g], c) => [dispatch1('avgPool2d', [g], c.attrs)],
  },
  avgPool2d: {
    name: 'AvgPool2DBackward0',
    backward: ([g], c) => [dispatch1('avgPool2dBackward', [g], { ...c.attrs, inputShape: [...c.inputs[0].shape] })],
  },
});

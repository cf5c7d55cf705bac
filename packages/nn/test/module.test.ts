import { describe, expect, it } from 'vitest';
import { Tensor, manualSeed, randn, zeros } from '@flambeau/tensor';
import { Linear, Module, Parameter } from '@flambeau/nn';

class Net extends Module {
  fc1 = new Linear(4, 3);
  scale = 2;
  fc2 = new Linear(3, 2, { bias: false });
  forward(x: Tensor): Tensor {
    return this.fc2(this.fc1(x)).mul(this.scale);
  }
}

describe('Module', () => {
  it('registers field initialisers in order and is callable', () => {
    manualSeed(0);
    const net = new Net();
    expect(Object.keys(net.stateDict())).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight']);
    const y = net(randn(5, 4));
    expect(y.shape).toEqual([5, 2]);
    expect(net).toBeInstanceOf(Net);
    expect(net.fc1).toBeInstanceOf(Linear);
    expect(net.scale).toBe(2);
    expect(String(net)).toBe(
      'Net(\n  (fc1): Linear(in_features=4, out_features=3, bias=True)\n  (fc2): Linear(in_features=3, out_features=2, bias=False)\n)',
    );
    expect(net.parameters().length).toBe(3);
    expect(net.fc2.bias).toBeNull();
  });
  it('Parameter prints like PyTorch', () => {
    const p = new Parameter(zeros(2));
    expect(String(p)).toBe('Parameter containing:\ntensor([0., 0.], requires_grad=True)');
  });
});

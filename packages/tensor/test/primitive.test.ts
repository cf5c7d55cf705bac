import { describe, expect, it } from 'vitest';
import { ValueError, tensor, zeros } from '@flambeau/tensor';

// PyTorch: json.dumps(t.tolist()); float(t) / float(torch.tensor([[1., 2.]])) raises ValueError.
describe('JSON and number conversion', () => {
  it('JSON.stringify writes tolist()', () => {
    expect(JSON.stringify({ w: tensor([[1, 2], [3, 4]]) })).toBe('{"w":[[1,2],[3,4]]}');
    expect(JSON.stringify(tensor([true, false]))).toBe('[true,false]');
    expect(JSON.stringify(tensor(1.5))).toBe('1.5');
    expect(JSON.stringify(zeros(2, 0))).toBe('[[],[]]');
  });
  it('Number(t) and +t are float(t) of one-element tensors', () => {
    expect(Number(tensor([2.5]))).toBe(2.5);
    expect(+tensor([[7]], { dtype: 'int64' })).toBe(7);
    expect(+tensor(true)).toBe(1);
    expect(tensor(0.25) < 0.5).toBe(true);
    expect(() => Number(tensor([1, 2]))).toThrow(ValueError);
    expect(() => Number(tensor([1, 2]))).toThrow('only one element tensors can be converted to Python scalars');
  });
  it('string conversion still prints the tensor', () => {
    expect(`${tensor([1, 2])}`).toBe('tensor([1, 2])');
    expect('t = ' + tensor([1, 2])).toBe('t = tensor([1, 2])');
  });
});

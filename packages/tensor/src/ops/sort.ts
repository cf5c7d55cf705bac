import { type Attrs, defineOp } from '../dispatcher.js';
import { RuntimeError } from '../errors.js';
import { normDim } from '../shape.js';
import { fromStorage, indexTensor } from './util.js';

defineOp('primitive', 'sort(Tensor self, int dim=-1, bool descending=False) -> (Tensor, Tensor)', ([x], { dim, descending }: Attrs) => {
  if (x.ndim === 0) return [x.clone(), indexTensor([0], x.backend, [])];
  const d = normDim(dim as number, x.ndim);
  const [v, i] = x.backend.sort(x, d, descending as boolean);
  return [fromStorage(v, x.shape), fromStorage(i, x.shape)];
});

defineOp('composite', 'topk(Tensor self, int k, int dim=-1, bool largest=True) -> (Tensor, Tensor)', ([x], { k, dim, largest }: Attrs) => {
  const d = x.ndim === 0 ? 0 : normDim(dim as number, x.ndim);
  const size = x.ndim === 0 ? 1 : x.shape[d];
  const kk = k as number;
  if (!Number.isInteger(kk) || kk < 0 || kk > size) throw new RuntimeError(`selected index k out of range`);
  const { values, indices } = x.sort(d, { descending: largest as boolean });
  if (x.ndim === 0) return [values, indices];
  return [values.narrow(d, 0, kk).contiguous(), indices.narrow(d, 0, kk).contiguous()];
});

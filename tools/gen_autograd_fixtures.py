#!/usr/bin/python3
"""Gradient fixtures for @flambeau/autograd, generated with PyTorch (1.13).

Writes packages/autograd/test/fixtures/grads.json: for every case, the explicit float32 input
values, the forward output, a random output gradient and the gradients PyTorch computes for each
input. Cases are mirrored by name in packages/autograd/test/cases.ts.

Run: /usr/bin/python3 tools/gen_autograd_fixtures.py
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(0)
OUT = os.path.join(os.path.dirname(__file__), '..', 'packages', 'autograd', 'test', 'fixtures', 'grads.json')


def randn(*s):
    return torch.randn(*s)


def pos(*s):  # (0.5, 2)
    return torch.rand(*s) * 1.5 + 0.5


def unit(*s):  # (-0.9, 0.9)
    return torch.rand(*s) * 1.8 - 0.9


def gt1(*s):  # (1.1, 3)
    return torch.rand(*s) * 1.9 + 1.1


def idx(high, *s):
    return torch.randint(0, high, s)


def t(values, dtype=torch.float32):
    return torch.tensor(values, dtype=dtype)


def perm_index(n, m):
    """[n, m] int64 whose rows are permutations of range(n) per column (valid scatter targets)."""
    return torch.stack([torch.randperm(n) for _ in range(m)], 1)


CASES = []


def case(name, inputs, fn):
    CASES.append((name, inputs, fn))


# ---- elementwise unary
for op, gen in [
    ('neg', randn), ('abs', randn), ('sign', randn), ('floor', randn), ('ceil', randn), ('round', randn),
    ('trunc', randn), ('frac', randn), ('exp', randn), ('exp2', randn), ('expm1', randn), ('log', pos),
    ('log2', pos), ('log10', pos), ('log1p', pos), ('sqrt', pos), ('rsqrt', pos), ('square', randn),
    ('sin', randn), ('cos', randn), ('tan', unit), ('asin', unit), ('acos', unit), ('atan', randn),
    ('sinh', randn), ('cosh', randn), ('tanh', randn), ('asinh', randn), ('acosh', gt1), ('atanh', unit),
    ('sigmoid', randn), ('relu', randn), ('reciprocal', pos), ('erf', randn), ('erfc', randn),
]:
    case(op, [gen(2, 3)], (lambda o: lambda x: getattr(torch, o)(x))(op))

# ---- elementwise binary (with broadcasting)
case('add', [randn(2, 3), randn(3)], lambda a, b: a + b)
case('add_alpha', [randn(2, 3), randn(2, 3)], lambda a, b: torch.add(a, b, alpha=2.5))
case('add_scalar', [randn(2, 3)], lambda a: a + 2)
case('sub', [randn(2, 3), randn(2, 1)], lambda a, b: a - b)
case('rsub', [randn(2, 3)], lambda a: 1 - a)
case('mul', [randn(2, 3), randn(3)], lambda a, b: a * b)
case('mul_scalar', [randn(2, 3)], lambda a: a * 1.5)
case('div', [randn(2, 3), pos(3)], lambda a, b: a / b)
case('div_scalar', [randn(2, 3)], lambda a: a / 4)
case('pow_scalar', [randn(2, 3)], lambda a: a.pow(3))
case('pow_frac', [pos(2, 3)], lambda a: a.pow(0.5))
case('pow_tensor', [pos(2, 3), randn(3)], lambda a, b: a.pow(b))
case('atan2', [randn(2, 3), randn(2, 3)], lambda a, b: torch.atan2(a, b))
case('maximum', [randn(2, 3), randn(2, 3)], lambda a, b: torch.maximum(a, b))
case('minimum', [randn(2, 3), randn(3)], lambda a, b: torch.minimum(a, b))
case('maximum_ties', [t([[1, 2, 3], [4, 5, 6]]), t([[1, 0, 3], [5, 5, 0]])], lambda a, b: torch.maximum(a, b))
case('fmod', [randn(2, 3), pos(2, 3)], lambda a, b: torch.fmod(a, b))
case('remainder', [randn(2, 3), pos(2, 3)], lambda a, b: torch.remainder(a, b))
case('where', [t([[True, False, True], [False, False, True]], torch.bool), randn(2, 3), randn(3)], lambda c, a, b: torch.where(c, a, b))
case('masked_fill', [randn(2, 3), t([[True, False, True], [False, False, True]], torch.bool)], lambda a, m: a.masked_fill(m, 2.0))
case('clamp', [randn(2, 3)], lambda a: a.clamp(-0.5, 0.5))
case('clamp_min', [randn(2, 3)], lambda a: a.clamp(min=0.1))
case('cast', [randn(2, 3)], lambda a: a.double() * 2)
case('addcmul', [randn(2, 3), randn(2, 3), randn(2, 3)], lambda a, b, c: a.addcmul(b, c, value=0.5))
case('lerp', [randn(2, 3), randn(2, 3)], lambda a, b: a.lerp(b, 0.3))

# ---- reductions
case('sum', [randn(2, 3)], lambda a: a.sum())
case('sum_dim', [randn(2, 3, 4)], lambda a: a.sum(1))
case('sum_dims_keepdim', [randn(2, 3, 4)], lambda a: a.sum((0, 2), keepdim=True))
case('mean', [randn(2, 3)], lambda a: a.mean())
case('mean_dim', [randn(2, 3, 4)], lambda a: a.mean(-1))
case('prod', [randn(2, 3)], lambda a: a.prod())
case('prod_dim', [randn(3, 4)], lambda a: a.prod(1))
case('prod_zero', [t([[1.5, 0, 2], [0, 0, 3]])], lambda a: a.prod(1))
case('amax', [randn(3, 4)], lambda a: a.amax(1))
case('amax_ties', [t([[1, 3, 3], [2, 2, 2]])], lambda a: a.amax(1))
case('amin_all', [randn(3, 4)], lambda a: a.amin())
case('max', [randn(3, 4)], lambda a: a.max())
case('max_dim', [randn(3, 4)], lambda a: a.max(1).values)
case('min_dim_keepdim', [randn(3, 4)], lambda a: a.min(0, keepdim=True).values)
case('cumsum', [randn(3, 4)], lambda a: a.cumsum(1))
case('cumprod', [pos(3, 4)], lambda a: a.cumprod(0))
case('logsumexp', [randn(3, 4)], lambda a: a.logsumexp(1))
case('softmax', [randn(3, 4)], lambda a: a.softmax(1))
case('log_softmax', [randn(3, 4)], lambda a: a.log_softmax(0))
case('var', [randn(3, 4)], lambda a: a.var(1))
case('std', [randn(3, 4)], lambda a: a.std())
case('norm', [randn(3, 4)], lambda a: a.norm())
case('norm_p1_dim', [randn(3, 4)], lambda a: a.norm(1, 1))
case('norm_zero', [t([[0, 0, 0], [3, 4, 0]])], lambda a: a.norm(dim=1))
case('norm_p3', [randn(3, 4)], lambda a: a.norm(3, 0, keepdim=True))
case('norm_inf', [randn(3, 4)], lambda a: a.norm(float('inf'), 1))

# ---- views
case('view', [randn(2, 6)], lambda a: a.view(3, 4) * torch.arange(12.).view(3, 4))
case('reshape', [randn(2, 6)], lambda a: a.t().reshape(12))
case('permute', [randn(2, 3, 4)], lambda a: a.permute(2, 0, 1))
case('transpose', [randn(2, 3, 4)], lambda a: a.transpose(0, 2))
case('expand', [randn(3, 1)], lambda a: a.expand(2, 3, 4))
case('squeeze', [randn(3, 1, 2)], lambda a: a.squeeze(1))
case('unsqueeze', [randn(3, 2)], lambda a: a.unsqueeze(1))
case('slice_step', [randn(7, 3)], lambda a: a[1:6:2])
case('narrow', [randn(4, 5)], lambda a: a.narrow(1, 1, 3))
case('select', [randn(3, 4)], lambda a: a[:, -1])
case('unfold', [randn(7)], lambda a: a.unfold(0, 3, 2))
case('as_strided', [randn(9)], lambda a: a.as_strided((3, 3), (2, 1), 1))
case('diagonal', [randn(3, 4)], lambda a: a.diagonal(1))
case('flatten', [randn(2, 3, 2)], lambda a: a.flatten(1))
case('index_mixed', [randn(4, 5)], lambda a: a[torch.tensor([0, 2, 2]), 1:4])
case('index_mask', [randn(2, 3)], lambda a: a[a > 0])
case('flip', [randn(3, 4)], lambda a: a.flip(1))
case('roll', [randn(3, 4)], lambda a: a.roll(1, 1))
case('repeat', [randn(2, 3)], lambda a: a.repeat(2, 1, 2))
case('tril', [randn(3, 3)], lambda a: a.tril())
case('chunk', [randn(4, 3)], lambda a: a.chunk(2)[1] * 2)
case('clone', [randn(2, 3)], lambda a: a.clone())
case('contiguous', [randn(2, 3)], lambda a: a.t().contiguous())

# ---- matmul
case('mm', [randn(2, 3), randn(3, 4)], lambda a, b: a @ b)
case('mv', [randn(2, 3), randn(3)], lambda a, b: a @ b)
case('dot', [randn(3), randn(3)], lambda a, b: a @ b)
case('vm', [randn(3), randn(3, 2)], lambda a, b: a @ b)
case('bmm', [randn(2, 2, 3), randn(2, 3, 4)], lambda a, b: a @ b)
case('matmul_broadcast', [randn(2, 1, 2, 3), randn(3, 3, 2)], lambda a, b: a @ b)
case('matmul_3d_1d', [randn(2, 2, 3), randn(3)], lambda a, b: a @ b)

# ---- indexing, joining, sorting
case('gather', [randn(3, 4), idx(4, 3, 2)], lambda a, i: a.gather(1, i))
case('scatter', [randn(3, 4), perm_index(3, 4)[:2], randn(2, 4)], lambda a, i, s: a.scatter(0, i, s))
case('scatter_add', [randn(3, 4), idx(3, 2, 4), randn(2, 4)], lambda a, i, s: a.scatter_add(0, i, s))
case('index_select', [randn(4, 3), t([0, 3, 3, 1], torch.int64)], lambda a, i: a.index_select(0, i))
case('index_add', [randn(4, 3), t([0, 3, 0], torch.int64), randn(3, 3)], lambda a, i, s: a.index_add(0, i, s))
case('cat', [randn(2, 3), randn(1, 3)], lambda a, b: torch.cat([a, b]))
case('cat_dim1', [randn(2, 3), randn(2, 2)], lambda a, b: torch.cat([a, b], 1))
case('stack', [randn(2, 3), randn(2, 3)], lambda a, b: torch.stack([a, b], 1))
case('sort', [randn(3, 4)], lambda a: a.sort(1, descending=True).values)
case('topk', [randn(3, 5)], lambda a: a.topk(2).values)
case('pad_constant', [randn(2, 3)], lambda a: F.pad(a, (1, 2, 0, 1), value=0.5))
case('pad_crop', [randn(2, 4)], lambda a: F.pad(a, (-1, 1)))
case('pad_reflect', [randn(1, 2, 4)], lambda a: F.pad(a, (2, 1), mode='reflect'))

# ---- convolution and pooling
case('conv2d', [randn(2, 2, 5, 5), randn(4, 2, 3, 3), randn(4)], lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1))
case('conv2d_groups', [randn(1, 4, 6, 6), randn(4, 2, 2, 2)], lambda x, w: F.conv2d(x, w, groups=2, dilation=2))
case('conv2d_unbatched', [randn(2, 4, 4), randn(3, 2, 2, 2), randn(3)], lambda x, w, b: F.conv2d(x, w, b, padding=(1, 0)))
case('max_pool2d', [randn(1, 2, 5, 5)], lambda x: F.max_pool2d(x, 2))
case('max_pool2d_ceil', [randn(2, 1, 5, 5)], lambda x: F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True))
case('avg_pool2d', [randn(1, 2, 5, 5)], lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False))
case('avg_pool2d_ceil', [randn(2, 1, 5, 5)], lambda x: F.avg_pool2d(x, 2, ceil_mode=True))

# ---- in place
case('inplace_mul', [randn(2, 3)], lambda a: (a * 1).mul_(2).exp_())
case('inplace_view', [randn(3, 4), randn(4)], lambda a, b: _add_row(a, b))
case('setitem', [randn(3), randn(3)], lambda a, b: _setitem(a, b))

# ---- added later (appended so earlier cases keep their random draws)
case('cumprod_zeros', [t([[1.5, 0, 2, 0.5], [0, 0, 3, 1], [2, 1, 0.5, 0]])], lambda a: a.cumprod(1))
case('cumprod_zeros_dim0', [t([[1.5, 0, 2], [0, 0, 3], [2, 1, 0.5]])], lambda a: a.cumprod(0))


def _add_row(a, b):
    y = a * 1
    y[1].add_(b)
    return y * y


def _setitem(a, b):
    out = torch.zeros(2, 3)
    out[0] = a
    out[1, 1:] = b[:2] * 2
    return out.sin()


def dump(x):
    return x.detach().tolist()


def main():
    out = []
    for name, inputs, fn in CASES:
        ins = [x.clone().requires_grad_(x.is_floating_point()) for x in inputs]
        y = fn(*ins)
        g = torch.randn(y.shape, dtype=y.dtype)
        y.backward(g)
        out.append({
            'name': name,
            'inputs': [{'data': dump(x), 'shape': list(x.shape), 'dtype': str(x.dtype).replace('torch.', '')} for x in ins],
            'output': {'data': dump(y), 'shape': list(y.shape), 'dtype': str(y.dtype).replace('torch.', '')},
            'gradOutput': dump(g),
            'grads': [dump(x.grad) if x.grad is not None else None for x in ins],
        })
    with open(OUT, 'w') as f:
        json.dump({'generator': 'tools/gen_autograd_fixtures.py', 'torch': torch.__version__, 'cases': out}, f)
    print(f'{len(out)} cases -> {OUT}')


if __name__ == '__main__':
    main()

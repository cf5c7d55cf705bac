#!/usr/bin/python3
"""Fixtures for @flambeau/autograd's custom-Function context features and views after in-place writes.

Writes packages/autograd/test/fixtures/extra.json: for every case, the input values, the gradient
PyTorch (1.13) accumulates into each input from the case's scalar loss, and the names of the
`grad_fn`s the case reports. Cases are mirrored by name in packages/autograd/test/extra_cases.ts.

Run: /usr/bin/python3 tools/gen_autograd_extra_fixtures.py
"""
import json
import os

import torch
from torch.autograd import Function

torch.manual_seed(0)
OUT = os.path.join(os.path.dirname(__file__), '..', 'packages', 'autograd', 'test', 'fixtures', 'extra.json')


def name(t):
    return None if t.grad_fn is None else type(t.grad_fn).__name__


class MulInPlace(Function):
    """x *= k in place, marked dirty; saves the modified x."""
    @staticmethod
    def forward(ctx, x, k):
        x.mul_(k)
        ctx.mark_dirty(x)
        ctx.save_for_backward(x)
        ctx.k = k
        return x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * ctx.k, None


class SortWithIndex(Function):
    """Sorted values and their (float) positions; the positions are not differentiable."""
    @staticmethod
    def forward(ctx, x):
        v, i = x.sort()
        i = i.to(x.dtype)
        ctx.mark_non_differentiable(i)
        ctx.save_for_backward(i)
        return v, i

    @staticmethod
    def backward(ctx, gv, gi):
        (i,) = ctx.saved_tensors
        return torch.zeros_like(gv).scatter(0, i.long(), gv + gi)


class Split2(Function):
    """(2x, 3x) without materialized gradients: an unused output's gradient is None."""
    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        return x * 2, x * 3

    @staticmethod
    def backward(ctx, g1, g2):
        r = torch.zeros_like(g1 if g1 is not None else g2)
        if g1 is not None:
            r = r + g1 * 2
        if g2 is not None:
            r = r + g2 * 3
        return r


CASES = []


def case(name, inputs, fn):
    CASES.append((name, inputs, fn))


def w(*s):
    return torch.randn(*s)


# ---- custom Function context
def _dirty_plain(a):
    b = a * 1
    c = MulInPlace.apply(b, 3.0)
    return (c * c).sum(), {'c': name(c), 'b': name(b)}


def _dirty_view(a, wt):
    b = a.clone()
    v = b[1:]
    other = b[:2]
    MulInPlace.apply(v, 3.0)
    return (b * wt).sum() + (other * other).sum(), {'v': name(v), 'b': name(b), 'other': name(other)}


def _non_differentiable(x, wt):
    v, i = SortWithIndex.apply(x)
    return (v * wt).sum(), {'v': name(v), 'i': name(i)}


def _no_materialize(x):
    _, q = Split2.apply(x)
    return q.sum(), {}


case('dirty_plain', [torch.randn(4)], _dirty_plain)
case('dirty_view', [torch.randn(3, 2), w(3, 2)], _dirty_view)
case('non_differentiable', [torch.tensor([3., 1, 2, 0.5]), w(4)], _non_differentiable)
case('no_materialize', [torch.randn(3)], _no_materialize)


# ---- other views of a base modified in place see the new history
def _sibling_rows(a, wt):
    b = a.clone()
    v1, v2 = b[0], b[1]
    v1.mul_(2)
    return (v2 * wt).sum(), {'v2': name(v2), 'v1': name(v1), 'b': name(b)}


def _overlap_column(a, wt):
    b = a.clone()
    v1, v2 = b[0], b[:, 1]
    v1.mul_(2)
    return (v2 * wt).sum(), {'v2': name(v2)}


def _overlap_rows_exp(a, wt):
    b = a * 1
    v1, v2 = b[0:2], b[1:3]
    v1.exp_()
    return (v2 * wt).sum(), {'v2': name(v2)}


def _base_inplace(a, wt):
    b = a.clone()
    v2 = b[1]
    b.mul_(3)
    return (v2 * wt).sum(), {'v2': name(v2), 'b': name(b)}


def _nested_view(a, src):
    b = a.clone()
    v2 = b[1][1:]
    b[:, 1].copy_(src * src)
    return (v2 * v2).sum(), {'v2': name(v2)}


def _two_writes(a, wt):
    b = a.clone()
    v1, v2 = b[0], b[:, 0]
    v2.add_(1)
    v1.mul_(v1.detach() + 1)
    return (v1 * wt[0]).sum() + (v2 * wt[:, 0]).sum(), {'v1': name(v1), 'v2': name(v2)}


def _nograd_base(x, wt):
    b = torch.zeros(2, 3)
    v2 = b[1]
    b[1].copy_(x * 2)
    return (v2 * wt).sum(), {'v2': name(v2)}


case('sibling_rows', [torch.randn(2, 3), w(3)], _sibling_rows)
case('overlap_column', [torch.randn(2, 3), w(2)], _overlap_column)
case('overlap_rows_exp', [torch.randn(3, 2), w(2, 2)], _overlap_rows_exp)
case('base_inplace', [torch.randn(2, 3), w(3)], _base_inplace)
case('nested_view', [torch.randn(2, 3), torch.randn(2)], _nested_view)
case('two_writes', [torch.randn(3, 3), w(3, 3)], _two_writes)
case('nograd_base', [torch.randn(3), w(3)], _nograd_base)


def dump(x):
    return x.detach().tolist()


def main():
    out = []
    for cname, inputs, fn in CASES:
        ins = [x.clone().requires_grad_(x.is_floating_point()) for x in inputs]
        loss, names = fn(*ins)
        loss.backward()
        out.append({
            'name': cname,
            'inputs': [{'data': dump(x), 'shape': list(x.shape)} for x in ins],
            'loss': loss.item(),
            'grads': [dump(x.grad) if x.grad is not None else None for x in ins],
            'gradFns': names,
        })
    with open(OUT, 'w') as f:
        json.dump({'generator': 'tools/gen_autograd_extra_fixtures.py', 'torch': torch.__version__, 'cases': out}, f, indent=1)
    print(f'{len(out)} cases -> {OUT}')


if __name__ == '__main__':
    main()

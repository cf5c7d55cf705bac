#!/usr/bin/python3
"""Golden values for @flambeau/tensor, computed by PyTorch (Debian python3-torch 1.13, CPU).

Run with /usr/bin/python3 tools/gen_tensor_fixtures.py; writes packages/tensor/test/fixtures/ops_*.json.

Each case is a call the TypeScript runner (packages/tensor/test/fixture-runner.ts) replays:

  {"name", "call": {"kind", "name", "args", "kwargs"}, "expect": <value> | {"error", "message"}}

Values are encoded as
  tensor        {"t": {"values": [...flat, row-major], "shape": [...], "dtype": "float32"}, "view": [steps]}
                (inputs only: "view" lists view ops applied after building the tensor, so kernels
                see transposed, stepped and expanded strides)
  result tensor {"values", "shape", "dtype"}
  list/tuple    {"list": [...]}
  dtype         {"dtype": "int64"}
  scalar        {"scalar": x}
  NaN/±Infinity "NaN", "Infinity", "-Infinity" wherever a number goes.
Python floats that are integral would be JS integers (which promote like Python ints), so float
scalars in calls are always non-integral.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'packages', 'tensor', 'test', 'fixtures')
DTYPES = {
    torch.float32: 'float32', torch.float64: 'float64', torch.int32: 'int32',
    torch.int64: 'int64', torch.bool: 'bool', torch.uint8: 'uint8',
}
BY_NAME = {v: k for k, v in DTYPES.items()}
ALL = ['float32', 'float64', 'int32', 'int64', 'bool', 'uint8']

gen = torch.Generator().manual_seed(1234)


def num(x):
    if isinstance(x, bool):
        return x
    if isinstance(x, float):
        if math.isnan(x):
            return 'NaN'
        if math.isinf(x):
            return 'Infinity' if x > 0 else '-Infinity'
    return x


def enc_tensor(t):
    t = t.detach()
    vals = t.reshape(-1).tolist()
    if t.dtype == torch.bool:
        vals = [1 if v else 0 for v in vals]
    return {'values': [num(v) for v in vals], 'shape': list(t.shape), 'dtype': DTYPES[t.dtype]}


def enc_result(r):
    if isinstance(r, torch.Tensor):
        return enc_tensor(r)
    if isinstance(r, (list, tuple)):
        return {'list': [enc_result(x) for x in r]}
    if isinstance(r, (bool, int, float)):
        return {'scalar': num(r)}
    raise TypeError(type(r))


class In:
    """A tensor input: base values plus view steps, built the same way on both sides."""

    def __init__(self, base, view=()):
        self.base = base
        self.view = list(view)

    def build(self):
        t = self.base.clone()
        for step in self.view:
            op, *a = step
            if op == 'step':  # x[..., start:stop:step] along dim a[0]
                d, s, e, st = a
                t = t[(slice(None),) * d + (slice(s, e, st),)]
            else:
                t = getattr(t, op)(*a)
        return t

    def enc(self):
        return {'t': enc_tensor(self.base), 'view': self.view}


class Slice:
    def __init__(self, *a):
        self.a = a

    def py(self):
        return slice(*self.a)


def dec(a):
    if isinstance(a, In):
        return a.build()
    if isinstance(a, Slice):
        return a.py()
    if isinstance(a, list):
        return [dec(x) for x in a]
    if isinstance(a, tuple):
        return tuple(dec(x) for x in a)
    if isinstance(a, str) and a in BY_NAME:
        return BY_NAME[a]
    if a == '...':
        return Ellipsis
    return a


def enc_arg(a):
    if isinstance(a, In):
        return a.enc()
    if isinstance(a, Slice):
        s = a.py()
        return {'slice': [s.start, s.stop, s.step]}
    if isinstance(a, (list, tuple)):
        return [enc_arg(x) for x in a]
    if isinstance(a, str) and a in BY_NAME:
        return {'dtype': a}
    if isinstance(a, float):
        assert math.isnan(a) or math.isinf(a) or a != int(a), f'integral float scalar {a} would be a JS int'
    return num(a)


def resolve_fn(name):
    if name.startswith('F.'):
        return getattr(F, name[2:])
    return getattr(torch, name)


def run_call(kind, name, args, kwargs):
    a = [dec(x) for x in args]
    kw = {k: dec(v) for k, v in kwargs.items()}
    if kind == 'method':
        return getattr(a[0], name)(*a[1:], **kw)
    if kind == 'fn':
        return resolve_fn(name)(*a, **kw)
    if kind == 'index':
        return a[0][tuple(a[1:])]
    if kind == 'inplace':
        # Result: the tensor itself after the in-place op (args[0] is a fresh copy).
        x = a[0]
        getattr(x, name)(*a[1:], **kw)
        return x
    if kind == 'viewWrite':
        # args: base, [view steps], in-place method args...; result: the base after writing through the view.
        base = a[0]
        v = base
        for step in args[1]:
            op, *sa = step
            v = v[(slice(None),) * sa[0] + (slice(*sa[1:]),)] if op == 'step' else getattr(v, op)(*sa)
        getattr(v, name)(*a[2:], **kw)
        return base
    if kind == 'indexPut':
        x, items, value = a[0], a[1], a[2]
        x[tuple(dec(items))] = value
        return x
    if kind == 'seeded':
        torch.manual_seed(kwargs['seed'])
        out = []
        for step in args:
            out.append(run_call(step['kind'], step['name'], step['args'], step.get('kwargs', {})))
        return out
    raise ValueError(kind)


def err_name(e):
    n = type(e).__name__
    return {'TypeError': 'DTypeError'}.get(n, n)


class Group:
    def __init__(self, name):
        self.name = name
        self.cases = []
        self.names = set()

    def add(self, name, kind, fname, args=(), kwargs=None, expect_error=None):
        kwargs = kwargs or {}
        assert name not in self.names, name
        self.names.add(name)
        args = list(args)
        if kind == 'seeded':
            enc_args = [{**s, 'args': [enc_arg(x) for x in s['args']], 'kwargs': {k: enc_arg(v) for k, v in s.get('kwargs', {}).items()}} for s in args]
        else:
            enc_args = [enc_arg(x) for x in args]
        try:
            expect = enc_result(run_call(kind, fname, args, kwargs))
        except (RuntimeError, IndexError, TypeError, ValueError) as e:
            msg = str(e).split('\n')[0]
            expect = {'error': err_name(e), 'message': msg}
        if expect_error is not None and 'error' not in expect:
            raise AssertionError(f'{name}: expected an error')
        c = {'name': name, 'call': {'kind': kind, 'name': fname, 'args': enc_args, 'kwargs': {k: enc_arg(v) for k, v in kwargs.items()}}, 'expect': expect}
        self.cases.append(c)

    def write(self):
        os.makedirs(ROOT, exist_ok=True)
        with open(os.path.join(ROOT, f'ops_{self.name}.json'), 'w') as f:
            json.dump({'torch': torch.__version__, 'cases': self.cases}, f, separators=(',', ':'))
        return len(self.cases)


# ---------------------------------------------------------------------------------------- inputs

def sample(dtype, shape, kind='mixed'):
    """Deterministic small values of each dtype, with negatives and (for floats) non-integers."""
    n = 1
    for s in shape:
        n *= s
    if dtype in ('float32', 'float64'):
        t = torch.randn(n, generator=gen, dtype=torch.float64) * 3
        if kind == 'positive':
            t = t.abs() + 0.25
        return t.to(BY_NAME[dtype]).reshape(shape)
    if dtype == 'bool':
        return (torch.rand(n, generator=gen) > 0.5).reshape(shape)
    if dtype == 'uint8':
        lo = 1 if kind in ('nonzero', 'positive') else 0
        return torch.randint(lo, 12, (n,), generator=gen, dtype=torch.uint8).reshape(shape)
    lo, hi = (1, 9) if kind == 'positive' else (-9, 10)
    t = torch.randint(lo, hi, (n,), generator=gen, dtype=BY_NAME[dtype])
    if kind == 'nonzero':
        t = torch.where(t == 0, torch.ones_like(t) * 3, t)
    return t.reshape(shape)


SPECIAL = [float('-inf'), -2.5, -1.0, -0.75, -0.5, 0.0, 0.25, 0.5, 0.999, 1.0, 1.5, 2.5, 7.0, float('inf'), float('nan')]


def special(dtype):
    return torch.tensor(SPECIAL, dtype=BY_NAME[dtype])


# ---------------------------------------------------------------------------------------- groups

def elementwise():
    g = Group('elementwise')
    unary = ['neg', 'abs', 'sign', 'exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sqrt', 'rsqrt', 'sin', 'cos',
             'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'sigmoid', 'relu', 'floor',
             'ceil', 'round', 'trunc', 'frac', 'reciprocal', 'erf', 'erfc', 'logical_not', 'isnan', 'isinf', 'isfinite',
             'square', 'bitwise_not']
    for op in unary:
        for dt in ['float32', 'float64']:
            g.add(f'{op}/{dt}/special', 'method', op, [In(special(dt))])
        g.add(f'{op}/float32/transposed', 'method', op, [In(sample('float32', [3, 4]), [('t',)])])
        for dt in ['int32', 'int64', 'bool', 'uint8']:
            g.add(f'{op}/{dt}', 'method', op, [In(sample(dt, [5]))])
    g.add('round/halves', 'method', 'round', [In(torch.tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5]))])
    g.add('erf/range', 'method', 'erf', [In(torch.linspace(-6, 6, 49, dtype=torch.float64))])
    g.add('erfc/range', 'method', 'erfc', [In(torch.linspace(-6, 12, 73, dtype=torch.float64))])
    g.add('sigmoid/large', 'method', 'sigmoid', [In(torch.tensor([-800.0, -40.0, 40.0, 800.0], dtype=torch.float64))])

    binary = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'atan2', 'fmod', 'remainder', 'floor_divide',
              'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logical_and', 'logical_or', 'logical_xor', 'bitwise_and', 'bitwise_or',
              'bitwise_xor']
    # tensor ⊕ tensor for every dtype pair, with broadcasting [2, 3] ⊕ [3].
    for op in binary:
        for da in ALL:
            for db in ALL:
                kind = 'nonzero' if op in ('fmod', 'remainder', 'floor_divide', 'div') else 'mixed'
                if op == 'pow':
                    kind = 'positive'
                a = sample(da, [2, 3], 'mixed' if op != 'pow' else 'positive')
                b = sample(db, [3], kind)
                g.add(f'{op}/{da}-{db}', 'method', op, [In(a), In(b)])
    # tensor ⊕ 0-dim tensor and 0-dim ⊕ tensor: dimensioned tensors win within a category.
    for op in ['add', 'mul', 'div', 'maximum', 'eq', 'remainder']:
        for da in ALL:
            for db in ALL:
                a = sample(da, [4], 'nonzero')
                b = sample(db, [], 'nonzero')
                g.add(f'{op}/{da}-0dim{db}', 'method', op, [In(a), In(b)])
                g.add(f'{op}/0dim{db}-{da}', 'method', op, [In(b), In(a)])
    # tensor ⊕ Python scalar.
    for op in ['add', 'sub', 'mul', 'div', 'pow', 'remainder', 'fmod', 'floor_divide', 'eq', 'lt', 'maximum']:
        for da in ALL:
            for s in [3, -2, 2.5, -0.75, True, False]:
                if op in ('maximum',):
                    continue
                a = sample(da, [5], 'positive' if op == 'pow' else 'mixed')
                g.add(f'{op}/{da}-scalar{s!r}', 'method', op, [In(a), s])
    # negative operands of the integer division family, both signs, int and float.
    neg_a = [-7, -7, 7, 7, -6, 6, 0, -1, 5]
    neg_b = [2, -2, 2, -2, 3, -3, 4, 3, -7]
    for dt in ['int32', 'int64', 'float32', 'float64']:
        a = torch.tensor(neg_a, dtype=BY_NAME[dt])
        b = torch.tensor(neg_b, dtype=BY_NAME[dt])
        for op in ['remainder', 'fmod', 'floor_divide']:
            g.add(f'{op}/signs/{dt}', 'method', op, [In(a), In(b)])
        for mode in ['trunc', 'floor']:
            g.add(f'div/{mode}/signs/{dt}', 'method', 'div', [In(a), In(b)], {'rounding_mode': mode})
            g.add(f'div/{mode}/scalar/{dt}', 'method', 'div', [In(a), -2], {'rounding_mode': mode})
        g.add(f'div/true/signs/{dt}', 'method', 'div', [In(a), In(b)])
    fa = torch.tensor([-7.5, 7.5, -0.5, 3.0, float('inf'), 1.0], dtype=torch.float64)
    fb = torch.tensor([2.0, -2.0, 0.0, 0.0, 2.0, float('inf')], dtype=torch.float64)
    for op in ['remainder', 'fmod', 'floor_divide', 'div']:
        g.add(f'{op}/float-edge', 'method', op, [In(fa), In(fb)])
    g.add('remainder/int-zero', 'method', 'remainder', [In(torch.tensor([1, 2])), In(torch.tensor([0, 1]))])
    g.add('floor_divide/int-zero', 'method', 'floor_divide', [In(torch.tensor([1, 2])), 0])
    g.add('pow/int-negexp', 'method', 'pow', [In(torch.tensor([1, 2, -1])), -1])
    g.add('pow/int-negexp-tensor', 'method', 'pow', [In(torch.tensor([1, 2, -1, -1])), In(torch.tensor([-1, -2, -3, -2]))])
    g.add('pow/float-special', 'method', 'pow', [In(special('float64')), In(torch.tensor(0.5, dtype=torch.float64))])
    g.add('pow/float-special-neg', 'method', 'pow', [In(special('float32')), -1.5])
    g.add('pow/int-big', 'method', 'pow', [In(torch.tensor([3, 7, -5])), 20])
    g.add('pow/scalar-base', 'fn', 'pow', [2.5, In(sample('float32', [4]))])
    g.add('mul/int64-overflow-free', 'method', 'mul', [In(torch.tensor([123456789, -98765])), In(torch.tensor([1000, 99999]))])
    g.add('sub/bool-bool-explicit', 'method', 'sub', [In(sample('bool', [3])), In(sample('bool', [3]))])
    g.add('add/alpha', 'method', 'add', [In(sample('float32', [3])), In(sample('float32', [3]))], {'alpha': 2.5})
    g.add('sub/alpha-int', 'method', 'sub', [In(sample('int64', [3])), In(sample('int64', [3]))], {'alpha': 3})
    g.add('maximum/nan', 'method', 'maximum', [In(torch.tensor([1.0, float('nan'), 2.0])), In(torch.tensor([float('nan'), 0.0, 3.0]))])
    g.add('minimum/nan', 'method', 'minimum', [In(torch.tensor([1.0, float('nan'), 2.0])), In(torch.tensor([float('nan'), 0.0, 3.0]))])
    g.add('eq/nan', 'method', 'eq', [In(torch.tensor([1.0, float('nan')])), In(torch.tensor([1.0, float('nan')]))])
    g.add('ne/nan', 'method', 'ne', [In(torch.tensor([1.0, float('nan')])), In(torch.tensor([1.0, float('nan')]))])

    # broadcasting shapes and non-contiguous operands
    x = sample('float32', [3, 4])
    g.add('add/bcast-col-row', 'method', 'add', [In(sample('float32', [3, 1])), In(sample('float32', [1, 4]))])
    g.add('add/bcast-3d', 'method', 'add', [In(sample('float32', [2, 1, 4])), In(sample('float32', [3, 1]))])
    g.add('mul/transposed', 'method', 'mul', [In(x, [('t',)]), In(sample('float32', [4, 3]))])
    g.add('mul/stepped', 'method', 'mul', [In(sample('float64', [6, 5]), [('step', 0, 1, None, 2), ('step', 1, None, None, 2)]), In(sample('float64', [3, 3]))])
    g.add('sub/expanded', 'method', 'sub', [In(sample('float32', [3, 1]), [('expand', 3, 4)]), In(x, [('t',), ('t',)])])
    g.add('add/permuted-both', 'method', 'add', [In(sample('float32', [2, 3, 4]), [('permute', 2, 0, 1)]), In(sample('float32', [3, 4, 2]), [('permute', 2, 1, 0), ('transpose', 1, 2)])])
    g.add('add/empty', 'method', 'add', [In(torch.zeros(0, 3)), In(sample('float32', [3]))])
    g.add('add/empty-bcast', 'method', 'add', [In(torch.zeros(2, 0)), In(torch.zeros(1, 0))])
    g.add('add/bcast-error', 'method', 'add', [In(sample('float32', [2, 3])), In(sample('float32', [2, 4]))])
    g.add('add/bcast-error-3d', 'method', 'add', [In(sample('float32', [5, 2, 3])), In(sample('float32', [4, 1, 3]))])
    g.add('neg/bool-explicit', 'method', 'neg', [In(sample('bool', [3]))])

    # clamp, where, masked_fill
    c = In(special('float32'))
    g.add('clamp/both', 'method', 'clamp', [c, -0.6, 1.25])
    g.add('clamp/min', 'method', 'clamp', [c, -0.6, None])
    g.add('clamp/max', 'method', 'clamp', [c, None, 1.25])
    g.add('clamp/lo-gt-hi', 'method', 'clamp', [c, 2.5, -0.5])
    g.add('clamp/int', 'method', 'clamp', [In(sample('int64', [6])), -2, 3])
    g.add('clamp/int-floatbound', 'method', 'clamp', [In(sample('int64', [6])), -2.5, 3.5])
    g.add('clamp/float64', 'method', 'clamp', [In(sample('float64', [3, 2]), [('t',)]), -1.5, 0.5])
    g.add('clamp/none', 'method', 'clamp', [c, None, None])
    cond = sample('bool', [2, 3])
    for da, db in [('float32', 'float32'), ('float32', 'float64'), ('int64', 'float32'), ('int32', 'int64'), ('bool', 'uint8'), ('uint8', 'int32')]:
        g.add(f'where/{da}-{db}', 'fn', 'where', [In(cond), In(sample(da, [2, 3])), In(sample(db, [3]))])
    g.add('where/scalar', 'fn', 'where', [In(cond), In(sample('float32', [2, 3])), 0.5])
    g.add('where/scalar-int', 'fn', 'where', [In(cond), In(sample('int32', [2, 3])), 7])
    g.add('where/bcast-cond', 'fn', 'where', [In(sample('bool', [3, 1])), In(sample('float64', [1, 4])), In(sample('float64', [3, 4]), [('t',), ('t',)])])
    g.add('where/non-bool-cond', 'fn', 'where', [In(sample('float32', [3])), In(sample('float32', [3])), In(sample('float32', [3]))])
    for dt in ['float32', 'float64', 'int64', 'int32', 'bool', 'uint8']:
        g.add(f'masked_fill/{dt}', 'method', 'masked_fill', [In(sample(dt, [2, 3])), In(sample('bool', [3])), 1])
    g.add('masked_fill/float-value', 'method', 'masked_fill', [In(sample('float64', [2, 3]), [('t',)]), In(sample('bool', [3, 2])), -1.5])
    g.add('masked_fill/inf', 'method', 'masked_fill', [In(sample('float32', [2, 3])), In(sample('bool', [2, 3])), float('-inf')])
    g.add('masked_fill/bcast-mask-error', 'method', 'masked_fill', [In(sample('float32', [3])), In(sample('bool', [2, 3])), 0])
    g.add('masked_fill/nonbool-mask', 'method', 'masked_fill', [In(sample('float32', [3])), In(sample('int64', [3])), 0])

    # in-place variants (results; version counters are checked in the TS tests)
    for op, args in [('add_', [In(sample('float32', [3]))]), ('sub_', [1]), ('mul_', [2.5]), ('div_', [In(sample('float32', [2, 3], 'nonzero'))]),
                     ('pow_', [2]), ('clamp_', [-0.5, 0.5]), ('neg_', []), ('abs_', []), ('exp_', []), ('sqrt_', []),
                     ('sigmoid_', []), ('tanh_', []), ('relu_', []), ('floor_', []), ('round_', []), ('reciprocal_', []),
                     ('fill_', [1.5]), ('zero_', []), ('masked_fill_', [In(sample('bool', [3])), 9])]:
        base = sample('float32', [2, 3], 'positive' if op == 'sqrt_' else 'mixed')
        g.add(f'inplace/{op}', 'inplace', op, [In(base), *args])
    g.add('inplace/add_-int-float-error', 'inplace', 'add_', [In(sample('int64', [3])), 1.5])
    g.add('inplace/add_-int-floattensor-error', 'inplace', 'add_', [In(sample('int64', [3])), In(sample('float32', [3]))])
    g.add('inplace/add_-float-int', 'inplace', 'add_', [In(sample('float32', [3])), In(sample('int64', [3]))])
    g.add('inplace/mul_-bcast-error', 'inplace', 'mul_', [In(sample('float32', [3])), In(sample('float32', [2, 3]))])
    g.add('inplace/copy_-cast', 'inplace', 'copy_', [In(sample('int32', [2, 3])), In(sample('float64', [3]))])
    g.add('inplace/div_-int-error', 'inplace', 'div_', [In(sample('int64', [3])), 2])
    g.add('inplace/div_-int-floor', 'inplace', 'div_', [In(sample('int64', [3])), -2], {'rounding_mode': 'floor'})
    return g


def views():
    g = Group('views')
    x = sample('float32', [2, 3, 4])
    X = In(x)
    g.add('view/flat', 'method', 'view', [X, -1])
    g.add('view/infer', 'method', 'view', [X, 4, -1])
    g.add('view/split-dim', 'method', 'view', [X, 2, 3, 2, 2])
    g.add('view/invalid', 'method', 'view', [In(x, [('transpose', 0, 2)]), -1])
    g.add('view/bad-size', 'method', 'view', [X, 5, -1])
    g.add('view/two-infer', 'method', 'view', [X, -1, -1])
    g.add('view/transposed-ok', 'method', 'view', [In(x, [('transpose', 0, 1)]), 3, 2, 2, 2])
    g.add('reshape/transposed', 'method', 'reshape', [In(x, [('transpose', 0, 2)]), 6, 4])
    g.add('reshape/stepped', 'method', 'reshape', [In(x, [('step', 2, None, None, 2)]), -1])
    g.add('reshape/empty', 'method', 'reshape', [In(torch.zeros(0, 4)), 2, 0, -1])
    g.add('permute', 'method', 'permute', [X, 2, 0, 1])
    g.add('permute/neg', 'method', 'permute', [X, -1, -3, -2])
    g.add('permute/bad', 'method', 'permute', [X, 0, 1])
    g.add('permute/dup', 'method', 'permute', [X, 0, 1, 1])
    g.add('transpose', 'method', 'transpose', [X, 0, -1])
    g.add('transpose/out-of-range', 'method', 'transpose', [X, 0, 3])
    g.add('t/2d', 'method', 't', [In(sample('int64', [3, 2]))])
    g.add('t/1d', 'method', 't', [In(sample('int64', [3]))])
    g.add('t/3d', 'method', 't', [X])
    g.add('expand', 'method', 'expand', [In(sample('float64', [3, 1])), 2, 3, 4])
    g.add('expand/-1', 'method', 'expand', [In(sample('float64', [3, 1])), -1, 5])
    g.add('expand/bad', 'method', 'expand', [In(sample('float64', [3, 2])), 3, 4])
    g.add('expand/expanded-again', 'method', 'expand', [In(sample('float64', [1, 3]), [('expand', 2, 3)]), 4, 2, 3])
    y = In(sample('int32', [1, 3, 1, 2]))
    g.add('squeeze/all', 'method', 'squeeze', [y])
    g.add('squeeze/dim', 'method', 'squeeze', [y, 2])
    g.add('squeeze/dim-noop', 'method', 'squeeze', [y, 1])
    g.add('squeeze/neg', 'method', 'squeeze', [y, -2])
    g.add('squeeze/bad', 'method', 'squeeze', [y, 4])
    for d in [0, 2, 4, -1, -5]:
        g.add(f'unsqueeze/{d}', 'method', 'unsqueeze', [In(x, [('transpose', 1, 2)]), d])
    g.add('unsqueeze/bad', 'method', 'unsqueeze', [X, 5])
    g.add('flatten', 'method', 'flatten', [X])
    g.add('flatten/range', 'method', 'flatten', [In(x, [('permute', 1, 0, 2)]), 1, 2])
    g.add('flatten/0dim', 'method', 'flatten', [In(torch.tensor(3.5))])
    g.add('unflatten', 'method', 'unflatten', [X, 2, (2, 2)])
    g.add('unflatten/infer', 'method', 'unflatten', [X, 1, (-1, 1)])
    g.add('narrow', 'method', 'narrow', [X, 2, 1, 2])
    g.add('narrow/neg-start', 'method', 'narrow', [X, 1, -2, 2])
    g.add('narrow/too-long', 'method', 'narrow', [X, 2, 3, 2])
    g.add('select', 'method', 'select', [X, 1, 2])
    g.add('select/neg', 'method', 'select', [X, -1, -1])
    g.add('select/oob', 'method', 'select', [X, 1, 3])
    g.add('select/dim-oob', 'method', 'select', [X, 3, 0])
    g.add('unfold', 'method', 'unfold', [In(sample('float32', [2, 7])), 1, 3, 2])
    g.add('unfold/dim0', 'method', 'unfold', [In(sample('float32', [5, 2])), 0, 2, 1])
    g.add('unfold/too-big', 'method', 'unfold', [In(sample('float32', [2, 3])), 1, 4, 1])
    m = In(sample('float64', [4, 5]))
    for off in [0, 1, -2, 5]:
        g.add(f'diagonal/{off}', 'method', 'diagonal', [m, off])
    g.add('diagonal/3d', 'method', 'diagonal', [X, 1, 2, 0])
    g.add('contiguous/transposed', 'method', 'contiguous', [In(x, [('transpose', 0, 2)])])
    g.add('clone/stepped', 'method', 'clone', [In(x, [('step', 1, None, None, 2)])])
    # indexing
    Z = In(sample('float32', [4, 5, 6]))
    IDX = [
        ('int', [1]), ('neg-int', [-1]), ('int-int', [1, 2]), ('slice', [Slice(1, 3)]), ('slice-step', [Slice(None, None, 2)]),
        ('slice-step3', [Slice(None), Slice(4, 0, None), Slice(1, None, 3)]), ('slice-neg', [Slice(-3, -1)]),
        ('slice-clamp', [Slice(2, 100)]), ('slice-empty', [Slice(3, 1)]), ('none', [None]), ('none-mid', [Slice(None), None, 0]),
        ('ellipsis', ['...', 1]), ('ellipsis-mid', [0, '...', Slice(None, None, 2)]), ('ellipsis-none', ['...', None]),
        ('int-tensor', [In(torch.tensor([2, 0, 3, 0]))]), ('int-tensor-2d', [In(torch.tensor([[1, 0], [3, -1]]))]),
        ('int-tensor-dim1', [Slice(None), In(torch.tensor([4, 1]))]),
        ('two-tensors', [In(torch.tensor([0, 3])), In(torch.tensor([1, 2]))]),
        ('two-tensors-bcast', [In(torch.tensor([[0], [3]])), In(torch.tensor([1, 2, 4]))]),
        ('tensors-separated', [In(torch.tensor([0, 3])), Slice(None), In(torch.tensor([1, 5]))]),
        ('tensors-adjacent-mid', [Slice(None), In(torch.tensor([0, 4])), In(torch.tensor([1, 5]))]),
        ('int-and-tensor', [1, Slice(None), In(torch.tensor([0, 2, 2]))]),
        ('bool-mask', [In(torch.tensor([True, False, True, True]))]),
        ('bool-mask-2d', [In(sample('bool', [4, 5]))]),
        ('bool-mask-dim1', [Slice(None), In(torch.tensor([False, True, False, True, True]))]),
        ('bool-mask-full', [In(sample('bool', [4, 5, 6]))]),
        ('int32-tensor', [In(torch.tensor([1, 2], dtype=torch.int32))]),
        ('oob-int', [4]), ('oob-tensor', [In(torch.tensor([0, 4]))]), ('too-many', [0, 0, 0, 0]),
        ('mask-shape-bad', [In(torch.tensor([True, False]))]),
        ('float-tensor', [In(torch.tensor([0.5]))]),
    ]
    for nm, items in IDX:
        g.add(f'index/{nm}', 'index', '', [Z, *items])
    g.add('index/transposed-base', 'index', '', [In(sample('int64', [3, 4]), [('t',)]), Slice(1, None), In(torch.tensor([2, 0]))])
    g.add('index/0dim-tensor-bool', 'index', '', [In(sample('float32', [3])), In(torch.tensor(True))])
    g.add('index/empty-tensor', 'index', '', [Z, In(torch.zeros(0, dtype=torch.int64))])
    # writes through views change the base
    B = lambda: In(sample('float32', [3, 4]))  # noqa: E731
    g.add('viewWrite/transpose', 'viewWrite', 'mul_', [B(), [('t',)], 2])
    g.add('viewWrite/step', 'viewWrite', 'fill_', [B(), [('step', 1, None, None, 2)], 7])
    g.add('viewWrite/select', 'viewWrite', 'add_', [B(), [('select', 0, 1)], In(torch.tensor([1.0, 2.0, 3.0, 4.0]))])
    g.add('viewWrite/narrow-copy', 'viewWrite', 'copy_', [B(), [('narrow', 1, 1, 2)], In(torch.tensor([[1.5], [2.5], [3.5]]))])
    g.add('viewWrite/view', 'viewWrite', 'zero_', [B(), [('view', -1), ('narrow', 0, 2, 5)]])
    g.add('viewWrite/diagonal', 'viewWrite', 'fill_', [B(), [('diagonal',)], -1])
    g.add('viewWrite/unsqueeze-expand-clamp', 'viewWrite', 'clamp_', [B(), [('unsqueeze', 0), ('select', 0, 0)], -0.5, 0.5])
    g.add('indexPut/slice', 'indexPut', '', [In(sample('float32', [3, 4])), [Slice(None), Slice(1, None, 2)], 5])
    g.add('indexPut/mask', 'indexPut', '', [In(sample('float32', [3, 4])), [In(sample('bool', [3, 4]))], -2.5])
    g.add('indexPut/tensor', 'indexPut', '', [In(sample('int64', [3, 4])), [In(torch.tensor([2, 0]))], In(torch.tensor([9, 8, 7, 6]))])
    g.add('indexPut/two-tensors', 'indexPut', '', [In(sample('float64', [3, 4])), [In(torch.tensor([0, 2])), In(torch.tensor([3, 1]))], In(torch.tensor([1.5, 2.5], dtype=torch.float64))])
    return g


def reductions():
    g = Group('reduce')
    x = sample('float32', [3, 4, 5])
    dimsets = [None, 0, 1, 2, -1, (0, 2), (1, 2), (0, 1, 2), (2, 0)]
    for op in ['sum', 'mean', 'amax', 'amin', 'all', 'any', 'logsumexp', 'nansum']:
        if op == 'nansum':
            continue
        for dims in dimsets:
            for keep in [False, True]:
                if dims is None and (keep or op == 'logsumexp'):
                    continue
                if op in ('all', 'any') and isinstance(dims, tuple):
                    continue  # 1.13's all/any take one dim
                kw = {'keepdim': keep} if dims is not None else {}
                args = [In(x if op not in ('all', 'any') else x.gt(0).float()), *([list(dims)] if isinstance(dims, tuple) else ([] if dims is None else [dims]))]
                g.add(f'{op}/{dims}/{keep}', 'method', op, args, kw)
    xt = In(x, [('transpose', 0, 2)])
    for op in ['sum', 'mean', 'amax', 'prod', 'var', 'std', 'logsumexp']:
        g.add(f'{op}/transposed', 'method', op, [xt, 1])
    g.add('sum/stepped', 'method', 'sum', [In(x, [('step', 2, None, None, 2)]), [0, 2]])
    g.add('sum/expanded', 'method', 'sum', [In(sample('float64', [3, 1]), [('expand', 3, 4)]), 1])
    for dt in ALL:
        a = sample(dt, [2, 3], 'positive')
        g.add(f'sum/{dt}', 'method', 'sum', [In(a)])
        g.add(f'sum/{dt}/dim', 'method', 'sum', [In(a), 1])
        g.add(f'prod/{dt}', 'method', 'prod', [In(a)])
        g.add(f'prod/{dt}/dim', 'method', 'prod', [In(a), 0], {'keepdim': True})
        g.add(f'mean/{dt}', 'method', 'mean', [In(a)])
        g.add(f'amax/{dt}', 'method', 'amax', [In(a), 1])
        g.add(f'max/{dt}', 'method', 'max', [In(a)])
        g.add(f'max-dim/{dt}', 'method', 'max', [In(a), 1])
        g.add(f'min-dim/{dt}', 'method', 'min', [In(a), 0], {'keepdim': True})
        g.add(f'argmax/{dt}', 'method', 'argmax', [In(a)])
        g.add(f'argmin/{dt}/dim', 'method', 'argmin', [In(a), 1])
        g.add(f'all/{dt}', 'method', 'all', [In(a)])
        g.add(f'any/{dt}/dim', 'method', 'any', [In(a), 0])
        g.add(f'cumsum/{dt}', 'method', 'cumsum', [In(a), 1])
        g.add(f'cumprod/{dt}', 'method', 'cumprod', [In(a), 0])
        g.add(f'var/{dt}', 'method', 'var', [In(a)])
        g.add(f'logsumexp/{dt}', 'method', 'logsumexp', [In(a), 1])
        g.add(f'norm/{dt}', 'method', 'norm', [In(a)])
    g.add('sum/dtype', 'method', 'sum', [In(sample('int32', [3]))], {'dtype': 'float64'})
    g.add('mean/dtype', 'method', 'mean', [In(sample('int64', [3]))], {'dtype': 'float64'})
    g.add('cumsum/dtype', 'method', 'cumsum', [In(sample('int32', [4])), 0], {'dtype': 'float32'})
    # ties: first occurrence; NaN wins
    ties = torch.tensor([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 1.0, 1.0], [float('nan'), 5.0, float('nan'), 9.0], [4.0, 4.0, 4.0, 4.0]])
    for op in ['max', 'min']:
        g.add(f'{op}-dim/ties', 'method', op, [In(ties), 1])
        g.add(f'{op}-dim/ties-dim0', 'method', op, [In(ties), 0], {'keepdim': True})
        g.add(f'{op}/nan', 'method', op, [In(ties)])
    for op in ['argmax', 'argmin']:
        g.add(f'{op}/ties', 'method', op, [In(ties), 1])
        g.add(f'{op}/ties-flat', 'method', op, [In(ties)])
        g.add(f'{op}/keepdim', 'method', op, [In(ties)], {'keepdim': True})
        g.add(f'{op}/ties-int', 'method', op, [In(torch.tensor([[3, 1, 3], [1, 1, 0]])), 1])
    g.add('amax/nan', 'method', 'amax', [In(ties), 1])
    g.add('sum/nan-inf', 'method', 'sum', [In(torch.tensor([float('inf'), float('-inf'), 1.0, float('nan'), 2.0])), 0])
    v = In(sample('float64', [4, 6]))
    for corr in [0, 1, 2]:
        for dims in [None, 1, (0, 1)]:
            kw = {'correction': corr}
            if dims is not None:
                kw['keepdim'] = True
            a = [v, list(dims) if isinstance(dims, tuple) else dims]
            g.add(f'var/corr{corr}/{dims}', 'method', 'var', a, kw)
            g.add(f'std/corr{corr}/{dims}', 'method', 'std', a, kw)
    g.add('var/unbiased-false', 'method', 'var', [v, 0], {'unbiased': False})
    g.add('var/single', 'method', 'var', [In(torch.tensor([2.5]))])
    g.add('std/float32-3d', 'method', 'std', [In(x), [0, 1]])
    g.add('var/int-error', 'method', 'var', [In(sample('int64', [3]))])
    n = In(sample('float64', [3, 4]))
    for p in [1, 2, float('inf'), float('-inf'), 'fro', 3, 0.5, 0]:
        g.add(f'norm/p{p}', 'method', 'norm', [n, p])
        g.add(f'norm/p{p}/dim', 'method', 'norm', [n, p, 1])
        g.add(f'norm/p{p}/dims-keep', 'method', 'norm', [n, p, [0, 1]], {'keepdim': True})
    g.add('norm/float32-3d', 'method', 'norm', [In(x)])
    g.add('logsumexp/inf', 'method', 'logsumexp', [In(torch.tensor([[float('-inf'), float('-inf')], [float('inf'), 1.0], [1000.0, 1000.0]])), 1])
    c = In(sample('float64', [3, 4]))
    for d in [0, 1, -1]:
        g.add(f'cumsum/{d}', 'method', 'cumsum', [c, d])
        g.add(f'cumprod/{d}', 'method', 'cumprod', [c, d])
    g.add('cumsum/transposed', 'method', 'cumsum', [In(sample('float32', [3, 4]), [('t',)]), 1])
    g.add('cumsum/3d', 'method', 'cumsum', [In(x), 1])
    g.add('cumprod/3d-transposed', 'method', 'cumprod', [xt, 2])
    g.add('cumsum/0dim', 'method', 'cumsum', [In(torch.tensor(2.5)), 0])
    for op in ['softmax', 'log_softmax']:
        for d in [0, 1, -1]:
            g.add(f'{op}/{d}', 'method', op, [In(x), d])
        g.add(f'{op}/transposed', 'method', op, [xt, 1])
        g.add(f'{op}/float64', 'method', op, [In(sample('float64', [4, 3])), 1])
        g.add(f'{op}/inf', 'method', op, [In(torch.tensor([[float('-inf'), 0.0, 1.0], [1000.0, 1000.0, -1000.0]])), 1])
        g.add(f'{op}/int-error', 'method', op, [In(sample('int64', [3])), 0])
    # empty tensors
    e = In(torch.zeros(0, 3))
    g.add('sum/empty', 'method', 'sum', [e])
    g.add('sum/empty-dim0', 'method', 'sum', [e, 0])
    g.add('prod/empty-dim0', 'method', 'prod', [e, 0])
    g.add('mean/empty', 'method', 'mean', [e])
    g.add('mean/empty-dim1', 'method', 'mean', [e, 1])
    g.add('amax/empty-dim1', 'method', 'amax', [e, 1])
    g.add('amax/empty-error', 'method', 'amax', [e, 0])
    g.add('max/empty-error', 'method', 'max', [e])
    g.add('argmax/empty-error', 'method', 'argmax', [e])
    g.add('all/empty', 'method', 'all', [e])
    g.add('any/empty', 'method', 'any', [e])
    g.add('cumsum/empty', 'method', 'cumsum', [e, 0])
    g.add('sum/dim-oob', 'method', 'sum', [In(x), 3])
    g.add('sum/dup-dims', 'method', 'sum', [In(x), [0, 0]])
    g.add('mean/int-error', 'method', 'mean', [In(sample('int64', [3]))])
    g.add('sum/0dim', 'method', 'sum', [In(torch.tensor(2.5)), 0])
    g.add('amax/0dim', 'method', 'amax', [In(torch.tensor(2.5))])
    g.add('argmax/0dim', 'method', 'argmax', [In(torch.tensor(2.5)), 0])
    return g


def linalg():
    g = Group('linalg')
    for dt in ['float32', 'float64', 'int64', 'int32']:
        g.add(f'matmul/2d/{dt}', 'method', 'matmul', [In(sample(dt, [3, 4])), In(sample(dt, [4, 5]))])
    cases = [
        ('1d-1d', [4], [4]), ('2d-1d', [3, 4], [4]), ('1d-2d', [4], [4, 5]), ('3d-1d', [2, 3, 4], [4]),
        ('1d-3d', [4], [2, 4, 5]), ('3d-3d', [2, 3, 4], [2, 4, 5]), ('bcast-3d-2d', [2, 3, 4], [4, 5]),
        ('bcast-2d-3d', [3, 4], [2, 4, 5]), ('bcast-4d', [2, 1, 3, 4], [3, 4, 2]), ('bcast-4d-b', [1, 3, 2, 4], [2, 1, 4, 3]),
        ('odd-rows', [5, 6], [6, 3]), ('empty-k', [3, 0], [0, 4]), ('empty-m', [0, 3], [3, 2]),
    ]
    for nm, sa, sb in cases:
        g.add(f'matmul/{nm}', 'method', 'matmul', [In(sample('float32', sa)), In(sample('float32', sb))])
    # Long float32 dot products compare at float tolerance only without cancellation: PyTorch
    # accumulates in float32, Flambeau in float64.
    g.add('matmul/big', 'method', 'matmul', [In(sample('float32', [9, 131], 'positive')), In(sample('float32', [131, 7], 'positive'))])
    g.add('matmul/big-float64', 'method', 'matmul', [In(sample('float64', [7, 300])), In(sample('float64', [300, 6]))])
    g.add('matmul/transposed', 'method', 'matmul', [In(sample('float32', [4, 3]), [('t',)]), In(sample('float32', [5, 4]), [('t',)])])
    g.add('matmul/stepped', 'method', 'matmul', [In(sample('float64', [6, 8]), [('step', 0, None, None, 2), ('step', 1, 1, None, 2)]), In(sample('float64', [4, 2]))])
    g.add('matmul/expanded', 'method', 'matmul', [In(sample('float32', [1, 3, 4]), [('expand', 2, 3, 4)]), In(sample('float32', [2, 4, 2]))])
    g.add('matmul/mismatch', 'method', 'matmul', [In(sample('float32', [3, 4])), In(sample('float32', [5, 6]))])
    g.add('matmul/mismatch-big', 'method', 'matmul', [In(torch.zeros(1, 1), [('expand', 64, 1024)]), In(torch.zeros(1, 1), [('expand', 576, 128)])])
    g.add('matmul/mismatch-1d', 'method', 'matmul', [In(sample('float32', [3])), In(sample('float32', [4]))])
    g.add('matmul/mismatch-2d1d', 'method', 'matmul', [In(sample('float32', [3, 4])), In(sample('float32', [3]))])
    g.add('matmul/dtype-mismatch', 'method', 'matmul', [In(sample('float32', [3, 4])), In(sample('float64', [4, 2]))])
    g.add('matmul/0dim', 'method', 'matmul', [In(torch.tensor(2.5)), In(sample('float32', [3]))])
    g.add('mm', 'method', 'mm', [In(sample('float64', [3, 4])), In(sample('float64', [4, 2]))])
    g.add('mm/mismatch', 'method', 'mm', [In(sample('float32', [2, 3])), In(sample('float32', [2, 3]))])
    g.add('mm/3d', 'method', 'mm', [In(sample('float32', [2, 2, 3])), In(sample('float32', [3, 3]))])
    g.add('bmm', 'method', 'bmm', [In(sample('float32', [2, 3, 4])), In(sample('float32', [2, 4, 5]))])
    g.add('bmm/batch-mismatch', 'method', 'bmm', [In(sample('float32', [2, 3, 4])), In(sample('float32', [3, 4, 5]))])
    g.add('dot', 'method', 'dot', [In(sample('float64', [5])), In(sample('float64', [5]))])
    g.add('dot/int', 'method', 'dot', [In(sample('int64', [5])), In(sample('int64', [5]))])
    g.add('dot/2d', 'method', 'dot', [In(sample('float64', [2, 2])), In(sample('float64', [2]))])
    g.add('outer', 'method', 'outer', [In(sample('float32', [3])), In(sample('float32', [4]))])
    g.add('outer/int-float', 'method', 'outer', [In(sample('int64', [3])), In(sample('float32', [2]))])
    g.add('mv', 'method', 'mv', [In(sample('float32', [3, 4])), In(sample('float32', [4]))])
    return g


def join_index():
    g = Group('join')
    a = In(sample('float32', [2, 3]))
    b = In(sample('float32', [2, 2]))
    g.add('cat/dim1', 'fn', 'cat', [[a, b], 1])
    g.add('cat/dim0', 'fn', 'cat', [[a, In(sample('float32', [1, 3])), a], 0])
    g.add('cat/neg', 'fn', 'cat', [[a, b], -1])
    g.add('cat/promote', 'fn', 'cat', [[In(sample('int64', [2])), In(sample('float32', [3])), In(sample('int32', [1]))]])
    g.add('cat/bool-int', 'fn', 'cat', [[In(sample('bool', [2])), In(sample('uint8', [3]))]])
    g.add('cat/empty-1d', 'fn', 'cat', [[a, In(torch.zeros(0))], 0])
    g.add('cat/empty-rows', 'fn', 'cat', [[a, In(torch.zeros(0, 3))], 0])
    g.add('cat/transposed', 'fn', 'cat', [[In(sample('float64', [3, 2]), [('t',)]), In(sample('float64', [2, 3]))], 1])
    g.add('cat/mismatch', 'fn', 'cat', [[a, b], 0])
    g.add('cat/rank-mismatch', 'fn', 'cat', [[a, In(sample('float32', [3]))], 0])
    g.add('cat/0dim', 'fn', 'cat', [[In(torch.tensor(1.5)), In(torch.tensor(2.5))]])
    g.add('cat/dim-oob', 'fn', 'cat', [[a, a], 2])
    for d in [0, 1, 2, -1]:
        g.add(f'stack/{d}', 'fn', 'stack', [[a, a, In(sample('float32', [2, 3]))], d])
    g.add('stack/mismatch', 'fn', 'stack', [[a, b]])
    g.add('stack/promote', 'fn', 'stack', [[In(sample('int64', [2])), In(sample('float64', [2]))]])
    s = In(sample('int64', [7, 4]))
    g.add('split/2', 'method', 'split', [s, 2])
    g.add('split/3-dim1', 'method', 'split', [s, 3, 1])
    g.add('split/sizes', 'method', 'split', [s, [1, 4, 2]])
    g.add('split/bad-sizes', 'method', 'split', [s, [1, 2]])
    g.add('split/big', 'method', 'split', [s, 10])
    for c in [1, 2, 3, 4, 7, 8]:
        g.add(f'chunk/{c}', 'method', 'chunk', [s, c])
    g.add('chunk/dim1', 'method', 'chunk', [s, 3, 1])
    g.add('chunk/empty', 'method', 'chunk', [In(torch.zeros(0, 2)), 2])
    g.add('unbind/0', 'method', 'unbind', [s])
    g.add('unbind/1', 'method', 'unbind', [s, 1])

    x = In(sample('float32', [3, 4]))
    g.add('index_select/0', 'method', 'index_select', [x, 0, In(torch.tensor([2, 0, 2]))])
    g.add('index_select/1', 'method', 'index_select', [x, 1, In(torch.tensor([3, 1]))])
    g.add('index_select/neg-index', 'method', 'index_select', [x, 1, In(torch.tensor([-1]))])
    g.add('index_select/oob', 'method', 'index_select', [x, 1, In(torch.tensor([4]))])
    g.add('index_select/transposed', 'method', 'index_select', [In(sample('float64', [4, 3]), [('t',)]), 1, In(torch.tensor([0, 3, 3]))])
    g.add('index_select/int32-index', 'method', 'index_select', [x, 0, In(torch.tensor([1], dtype=torch.int32))])
    g.add('index_select/float-index', 'method', 'index_select', [x, 0, In(torch.tensor([1.0]))])
    g.add('index_select/empty', 'method', 'index_select', [x, 0, In(torch.zeros(0, dtype=torch.int64))])
    gi = torch.tensor([[0, 2, 1, 1], [2, 2, 0, 1]])
    g.add('gather/0', 'method', 'gather', [x, 0, In(gi)])
    g.add('gather/1', 'method', 'gather', [x, 1, In(torch.tensor([[3, 0], [1, 1], [2, 0]]))])
    g.add('gather/small-index', 'method', 'gather', [x, 1, In(torch.tensor([[1], [0]]))])
    g.add('gather/transposed', 'method', 'gather', [In(sample('float32', [4, 3]), [('t',)]), 1, In(torch.tensor([[3, 0], [1, 1], [2, 0]]))])
    g.add('gather/oob', 'method', 'gather', [x, 1, In(torch.tensor([[4]]))])
    g.add('gather/rank-mismatch', 'method', 'gather', [x, 1, In(torch.tensor([1]))])
    g.add('gather/3d', 'method', 'gather', [In(sample('int64', [2, 3, 4])), 2, In(torch.tensor([[[0, 3], [1, 1], [2, 0]], [[3, 3], [0, 1], [2, 2]]]))])
    si = torch.tensor([[0, 1, 2, 0], [1, 2, 0, 1]])
    src = In(sample('float32', [2, 4]))
    g.add('scatter/0', 'method', 'scatter', [In(torch.zeros(3, 4)), 0, In(si), src])
    g.add('scatter/value', 'method', 'scatter', [In(torch.zeros(3, 4)), 0, In(si), 2.5])
    g.add('scatter/1', 'method', 'scatter', [In(torch.zeros(2, 5)), 1, In(torch.tensor([[4, 0], [1, 3]])), In(sample('float32', [2, 2]))])
    g.add('scatter/src-bigger', 'method', 'scatter', [In(torch.zeros(3, 4)), 0, In(torch.tensor([[0, 2]])), In(sample('float32', [2, 4]))])
    g.add('scatter/oob', 'method', 'scatter', [In(torch.zeros(3, 4)), 0, In(torch.tensor([[3]])), src])
    g.add('scatter/transposed-self', 'method', 'scatter', [In(sample('float32', [4, 3]), [('t',)]), 1, In(torch.tensor([[3, 0], [1, 1]])), In(sample('float32', [2, 2]))])
    g.add('scatter_add/0', 'method', 'scatter_add', [In(torch.ones(3, 4)), 0, In(torch.tensor([[0, 0, 2, 0], [0, 2, 2, 1]])), src])
    g.add('scatter_add/int', 'method', 'scatter_add', [In(torch.zeros(5, dtype=torch.int64)), 0, In(torch.tensor([0, 1, 0, 4, 4, 4])), In(torch.tensor([1, 2, 3, 4, 5, 6]))])
    g.add('scatter_/reduce-add', 'method', 'scatter', [In(torch.ones(3, 4)), 1, In(torch.tensor([[0, 0], [3, 3]])), In(sample('float32', [2, 2]))], {'reduce': 'add'})
    g.add('scatter/dtype-mismatch', 'method', 'scatter', [In(torch.zeros(3, 4)), 0, In(si), In(sample('float64', [2, 4]))])
    g.add('index_add/0', 'method', 'index_add', [In(torch.ones(4, 3)), 0, In(torch.tensor([0, 3, 0])), In(sample('float32', [3, 3]))])
    g.add('index_add/1-alpha', 'method', 'index_add', [In(torch.ones(2, 4)), 1, In(torch.tensor([3, 1, 3])), In(sample('float32', [2, 3]))], {'alpha': 2.5})
    g.add('index_add/transposed', 'method', 'index_add', [In(sample('float64', [3, 4]), [('t',)]), 1, In(torch.tensor([2, 2])), In(sample('float64', [4, 2]))])
    g.add('index_add/shape-error', 'method', 'index_add', [In(torch.ones(4, 3)), 0, In(torch.tensor([0, 1])), In(sample('float32', [2, 2]))])
    g.add('take', 'fn', 'take', [In(sample('float32', [3, 4])), In(torch.tensor([[0, 11], [5, -1]]))])
    g.add('take/transposed', 'fn', 'take', [In(sample('float32', [3, 4]), [('t',)]), In(torch.tensor([1, 2, 3]))])
    g.add('take/oob', 'fn', 'take', [In(sample('float32', [3, 4])), In(torch.tensor([12]))])
    g.add('nonzero', 'method', 'nonzero', [In(torch.tensor([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]]))])
    g.add('nonzero/bool-3d', 'method', 'nonzero', [In(sample('bool', [2, 3, 2]))])
    g.add('nonzero/transposed', 'method', 'nonzero', [In(torch.tensor([[0, 1, 0], [2, 0, 3]]), [('t',)])])
    g.add('nonzero/empty', 'method', 'nonzero', [In(torch.zeros(3))])
    g.add('nonzero/nan', 'method', 'nonzero', [In(torch.tensor([float('nan'), 0.0]))])
    g.add('masked_select', 'method', 'masked_select', [In(sample('float32', [2, 3])), In(sample('bool', [3]))])

    # sorting
    st = torch.tensor([[3.0, 1.0, 2.0, 1.0, float('nan'), 3.0, -1.0], [0.0, 0.0, -2.0, 5.0, 5.0, float('-inf'), float('inf')]])
    for desc in [False, True]:
        # `dim` is keyword-only next to `stable` in 1.13; the TS runner passes it positionally.
        g.add(f'sort/{desc}', 'method', 'sort', [In(st)], {'descending': desc, 'stable': True})
        g.add(f'sort/dim0/{desc}', 'method', 'sort', [In(st)], {'dim': 0, 'descending': desc, 'stable': True})
        g.add(f'argsort/{desc}', 'method', 'argsort', [In(st)], {'descending': desc})
        g.add(f'sort/int/{desc}', 'method', 'sort', [In(torch.tensor([[3, 1, 2, 1, 3, 3, 0, 1]]))], {'dim': 1, 'descending': desc, 'stable': True})
        g.add(f'sort/transposed/{desc}', 'method', 'sort', [In(sample('float32', [5, 3]), [('t',)])], {'dim': 1, 'descending': desc, 'stable': True})
    g.add('sort/bool', 'method', 'sort', [In(sample('bool', [6]))], {'stable': True})
    g.add('sort/3d-mid', 'method', 'sort', [In(sample('float64', [2, 5, 3]))], {'dim': 1, 'stable': True})
    g.add('sort/empty', 'method', 'sort', [In(torch.zeros(0, 3))], {'dim': 0, 'stable': True})
    tk = In(sample('float32', [3, 6]))
    for k in [1, 3, 6]:
        g.add(f'topk/{k}', 'method', 'topk', [tk, k])
        g.add(f'topk/{k}/smallest', 'method', 'topk', [tk, k], {'largest': False})
    g.add('topk/dim0', 'method', 'topk', [tk, 2, 0])
    g.add('topk/k-too-big', 'method', 'topk', [tk, 7])
    g.add('topk/nan', 'method', 'topk', [In(torch.tensor([1.0, float('nan'), 3.0, 2.0])), 2])

    # one_hot, tril/triu, pad, flip/roll/repeat
    g.add('one_hot', 'fn', 'F.one_hot', [In(torch.tensor([0, 2, 1, 2]))])
    g.add('one_hot/n', 'fn', 'F.one_hot', [In(torch.tensor([[0, 2], [1, 1]])), 4])
    g.add('one_hot/too-small', 'fn', 'F.one_hot', [In(torch.tensor([0, 3])), 3])
    g.add('one_hot/negative', 'fn', 'F.one_hot', [In(torch.tensor([0, -1])), 3])
    g.add('one_hot/int32', 'fn', 'F.one_hot', [In(torch.tensor([0, 1], dtype=torch.int32)), 3])
    g.add('one_hot/empty', 'fn', 'F.one_hot', [In(torch.zeros(0, dtype=torch.int64)), 3])
    m = In(sample('float32', [4, 5]))
    for d in [0, 1, -1, 3, -5]:
        g.add(f'tril/{d}', 'method', 'tril', [m, d])
        g.add(f'triu/{d}', 'method', 'triu', [m, d])
    g.add('tril/batched', 'method', 'tril', [In(sample('int64', [2, 3, 3]))])
    g.add('triu/transposed', 'method', 'triu', [In(sample('float32', [5, 4]), [('t',)]), 1])
    g.add('tril/1d', 'method', 'tril', [In(sample('float32', [3]))])
    p3 = In(sample('float32', [1, 2, 5]))
    p4 = In(sample('float64', [1, 2, 3, 4]))
    for mode in ['constant', 'reflect', 'replicate', 'circular']:
        g.add(f'pad/{mode}/1d', 'fn', 'F.pad', [p3, [2, 1], mode])
        g.add(f'pad/{mode}/2d', 'fn', 'F.pad', [p4, [1, 2, 2, 1], mode])
    g.add('pad/constant/value', 'fn', 'F.pad', [In(sample('float32', [2, 3])), [1, 1, 0, 2], 'constant', 1.5])
    g.add('pad/constant/negative', 'fn', 'F.pad', [In(sample('float32', [3, 4])), [-1, 2, 1, -2]])
    g.add('pad/constant/3dims', 'fn', 'F.pad', [In(sample('int64', [2, 2, 2])), [1, 0, 0, 1, 1, 1]])
    g.add('pad/reflect/too-big', 'fn', 'F.pad', [p3, [5, 0], 'reflect'])
    g.add('pad/constant/odd', 'fn', 'F.pad', [p3, [1, 2, 3]])
    f = In(sample('float32', [2, 3, 4]))
    g.add('flip/0', 'method', 'flip', [f, [0]])
    g.add('flip/multi', 'method', 'flip', [f, [0, 2]])
    g.add('flip/transposed', 'method', 'flip', [In(sample('float32', [3, 2]), [('t',)]), [1]])
    g.add('roll/flat', 'method', 'roll', [f, 5])
    g.add('roll/dim', 'method', 'roll', [f, -1, 2])
    g.add('roll/multi', 'method', 'roll', [f, [1, 7], [0, 2]])
    g.add('roll/stepped', 'method', 'roll', [In(sample('float64', [6]), [('step', 0, None, None, 2)]), 1])
    g.add('repeat', 'method', 'repeat', [In(sample('float32', [2, 3])), 2, 1])
    g.add('repeat/more-dims', 'method', 'repeat', [In(sample('int64', [2])), 3, 2])
    g.add('repeat/transposed', 'method', 'repeat', [In(sample('float32', [3, 2]), [('t',)]), 1, 2])
    g.add('repeat/too-few', 'method', 'repeat', [In(sample('float32', [2, 3])), 2])
    return g


def creation():
    g = Group('creation')
    g.add('tensor/ints', 'fn', 'tensor', [[[1, 2], [3, 4]]])
    g.add('tensor/floats', 'fn', 'tensor', [[1.5, -2.25]])
    g.add('tensor/bools', 'fn', 'tensor', [[True, False]])
    g.add('tensor/scalar', 'fn', 'tensor', [3.5])
    g.add('tensor/empty', 'fn', 'tensor', [[]])
    g.add('tensor/dtype', 'fn', 'tensor', [[1, 2]], {'dtype': 'float64'})
    g.add('tensor/float-to-int', 'fn', 'tensor', [[1.5, -2.5]], {'dtype': 'int32'})
    g.add('tensor/ragged', 'fn', 'tensor', [[[1, 2], [3]]])
    for fn in ['zeros', 'ones']:
        g.add(f'{fn}', 'fn', fn, [2, 3])
        g.add(f'{fn}/list', 'fn', fn, [[2, 3]])
        g.add(f'{fn}/int64', 'fn', fn, [3], {'dtype': 'int64'})
        g.add(f'{fn}/bool', 'fn', fn, [2], {'dtype': 'bool'})
        g.add(f'{fn}/empty', 'fn', fn, [0, 3])
        g.add(f'{fn}/0dim', 'fn', fn, [[]])
        g.add(f'{fn}/negative', 'fn', fn, [2, -1])
    g.add('full/float', 'fn', 'full', [[2, 2], 1.5])
    g.add('full/int', 'fn', 'full', [[3], 7])
    g.add('full/bool', 'fn', 'full', [[2], True])
    g.add('full/dtype', 'fn', 'full', [[2], 7], {'dtype': 'float64'})
    g.add('full/inf', 'fn', 'full', [[2], float('-inf')])
    for args, kw in [([5], {}), ([2, 7], {}), ([1, 10, 3], {}), ([10, 1, -3], {}), ([0, 1, 0.1], {}), ([-1.5, 2.5, 0.5], {}),
                     ([0.5, 3.25], {}), ([5], {'dtype': 'float64'}), ([0, 0.3, 0.1], {}), ([1, 2.5, 0.25], {'dtype': 'float64'}),
                     ([0], {}), ([3, 3], {}), ([0, 5, -1], {}), ([0, 5, 0], {})]:
        g.add(f'arange/{args}/{kw}', 'fn', 'arange', args, kw)
    for args, kw in [([0, 1, 5], {}), ([-1.5, 2.5, 7], {}), ([0, 1, 1], {}), ([3, 3, 4], {}), ([0, 1, 0], {}),
                     ([0, 10, 11], {'dtype': 'float64'}), ([1, -0.3, 6], {'dtype': 'float64'}), ([0, 1, 12], {}), ([0.1, 0.7, 100], {})]:
        g.add(f'linspace/{args}/{kw}', 'fn', 'linspace', args, kw)
    g.add('eye/3', 'fn', 'eye', [3])
    g.add('eye/2x4', 'fn', 'eye', [2, 4])
    g.add('eye/int', 'fn', 'eye', [3], {'dtype': 'int64'})
    g.add('eye/0', 'fn', 'eye', [0])
    base = In(sample('int32', [2, 3]))
    for fn in ['zeros_like', 'ones_like']:
        g.add(fn, 'fn', fn, [base])
        g.add(f'{fn}/dtype', 'fn', fn, [base], {'dtype': 'float64'})
        g.add(f'{fn}/transposed', 'fn', fn, [In(sample('float32', [2, 3]), [('t',)])])
    g.add('full_like', 'fn', 'full_like', [base, 4])
    g.add('full_like/float-into-int', 'fn', 'full_like', [base, 4.75])
    g.add('full_like/dtype', 'fn', 'full_like', [base, 4.75], {'dtype': 'float32'})
    for dt in ALL:
        g.add(f'to/{dt}', 'method', 'to', [In(torch.tensor([-2.75, -1.0, 0.0, 0.5, 1.5, 3.99, 300.25])), dt])
        g.add(f'to-from/{dt}', 'method', 'to', [In(sample(dt, [5])), 'float32'])
    return g


def random():
    g = Group('random')

    def step(kind, name, args, kwargs=None):
        return {'kind': kind, 'name': name, 'args': args, 'kwargs': kwargs or {}}

    for dt in ['float32', 'float64']:
        for n in [1, 3, 15, 16, 17, 33, 100]:
            g.add(f'rand/{dt}/{n}', 'seeded', '', [step('fn', 'rand', [n], {'dtype': dt})], {'seed': 0})
            g.add(f'randn/{dt}/{n}', 'seeded', '', [step('fn', 'randn', [n], {'dtype': dt})], {'seed': 0})
    g.add('rand/2d', 'seeded', '', [step('fn', 'rand', [3, 4])], {'seed': 42})
    g.add('randn/2d-big', 'seeded', '', [step('fn', 'randn', [5, 7])], {'seed': 42})
    g.add('sequence', 'seeded', '', [step('fn', 'rand', [2]), step('fn', 'randn', [3]), step('fn', 'randn', [20]), step('fn', 'rand', [2], {'dtype': 'float64'}), step('fn', 'randn', [1])], {'seed': 7})
    for args in [[10, [5]], [3, 17, [4, 2]], [-5, 5, [12]], [2, [30]], [0, 2 ** 40, [3]], [1000000, [6]]]:
        g.add(f'randint/{args}', 'seeded', '', [step('fn', 'randint', args)], {'seed': 0})
    g.add('randint/int32', 'seeded', '', [step('fn', 'randint', [0, 9, [5]], {'dtype': 'int32'})], {'seed': 3})
    for n in [1, 5, 10, 100]:
        g.add(f'randperm/{n}', 'seeded', '', [step('fn', 'randperm', [n])], {'seed': 0})
    g.add('randperm/float', 'seeded', '', [step('fn', 'randperm', [8], {'dtype': 'float32'})], {'seed': 1})
    for size in [[3], [4, 5], [40]]:
        g.add(f'normal/{size}', 'seeded', '', [step('fn', 'normal', [1.5, 0.25, size])], {'seed': 0})
    g.add('normal/float64', 'seeded', '', [step('fn', 'normal', [-1.5, 2.5, [20]], {'dtype': 'float64'})], {'seed': 0})
    probs = torch.tensor([0.0, 0.25, 0.5, 0.75, 1.0, 0.1, 0.9, 0.5])
    g.add('bernoulli/float32', 'seeded', '', [step('fn', 'bernoulli', [In(probs)])], {'seed': 0})
    g.add('bernoulli/float64', 'seeded', '', [step('fn', 'bernoulli', [In(probs.double())])], {'seed': 0})
    g.add('bernoulli/big', 'seeded', '', [step('fn', 'bernoulli', [In(torch.full((40,), 0.3))])], {'seed': 0})
    for dt in ['float32', 'float64']:
        for n in [5, 16, 40]:
            z = In(torch.zeros(n, dtype=BY_NAME[dt]))
            g.add(f'uniform_/{dt}/{n}', 'seeded', '', [step('inplace', 'uniform_', [z, -2.5, 1.5])], {'seed': 0})
            g.add(f'normal_/{dt}/{n}', 'seeded', '', [step('inplace', 'normal_', [z, 0.5, 1.5])], {'seed': 0})
            g.add(f'bernoulli_/{dt}/{n}', 'seeded', '', [step('inplace', 'bernoulli_', [z, 0.25])], {'seed': 0})
    g.add('uniform_/transposed', 'seeded', '', [step('inplace', 'uniform_', [In(torch.zeros(3, 4), [('t',)])])], {'seed': 0})
    g.add('uniform_/2d', 'seeded', '', [step('inplace', 'uniform_', [In(torch.zeros(3, 4))])], {'seed': 0})
    g.add('normal_/2d', 'seeded', '', [step('inplace', 'normal_', [In(torch.zeros(4, 5))])], {'seed': 0})
    g.add('random_/int64', 'seeded', '', [step('inplace', 'random_', [In(torch.zeros(6, dtype=torch.int64)), 0, 10])], {'seed': 0})
    g.add('rand_like', 'seeded', '', [step('fn', 'rand_like', [In(torch.zeros(2, 3, dtype=torch.float64))])], {'seed': 5})
    g.add('randn_like', 'seeded', '', [step('fn', 'randn_like', [In(torch.zeros(20))])], {'seed': 5})
    mg = torch.Generator().manual_seed(99)
    weights = {
        'small': torch.tensor([0.1, 0.6, 0.3]),
        'unnormalised': torch.tensor([1.0, 2.0, 7.0, 0.5, 3.5]),
        'wide': torch.rand(50, generator=mg) ** 3,
        '2d': torch.rand(4, 7, generator=mg),
        'tiny-mass': torch.tensor([1e-30, 1.0, 1e-30, 2.5]),
    }
    for wname, w in weights.items():
        for dt in ['float32', 'float64']:
            x = In(w.to(BY_NAME[dt]))
            cats = w.shape[-1]
            for n, repl in sorted({(1, False), (cats, False), (max(1, cats // 2), False), (1, True), (5, True), (200, True)}):
                g.add(f'multinomial/{wname}/{dt}/{n}/{repl}', 'seeded', '', [step('fn', 'multinomial', [x, n], {'replacement': repl})], {'seed': 0})
    g.add('multinomial/sequence', 'seeded', '', [step('fn', 'multinomial', [In(weights['small']), 3]), step('fn', 'rand', [2]),
                                                  step('fn', 'multinomial', [In(weights['small']), 7], {'replacement': True}), step('fn', 'rand', [2])], {'seed': 3})
    g.add('multinomial/transposed', 'seeded', '', [step('fn', 'multinomial', [In(weights['2d'], [('t',)]), 3])], {'seed': 0})
    g.add('multinomial/with-zeros', 'seeded', '', [step('fn', 'multinomial', [In(torch.tensor([0.0, 3.0, 0.0, 1.0, 2.0])), 3])], {'seed': 0})
    g.add('multinomial/with-zeros-repl', 'seeded', '', [step('fn', 'multinomial', [In(torch.tensor([0.0, 3.0, 0.0, 1.0, 2.0])), 30], {'replacement': True})], {'seed': 0})
    g.add('multinomial/empty-rows', 'fn', 'multinomial', [In(torch.ones(0, 3)), 2])
    bad = [('int', torch.tensor([1, 2]), 1, False), ('bool', torch.tensor([True]), 1, False), ('3d', torch.ones(2, 2, 2), 1, False),
           ('zero-samples', torch.tensor([1.0, 2.0]), 0, False), ('too-many', torch.tensor([1.0, 2.0]), 3, False),
           ('negative', torch.tensor([1.0, -2.0]), 1, False), ('negative-repl', torch.tensor([1.0, -2.0]), 2, True),
           ('nan', torch.tensor([1.0, float('nan')]), 1, False), ('nan-repl', torch.tensor([1.0, float('nan')]), 2, True),
           ('inf', torch.tensor([1.0, float('inf')]), 1, False), ('inf-repl', torch.tensor([1.0, float('inf')]), 2, True),
           ('zero-sum', torch.tensor([0.0, 0.0]), 1, False), ('zero-sum-repl', torch.tensor([0.0, 0.0]), 2, True),
           ('zero-row', torch.tensor([[1.0, 2.0], [0.0, 0.0]]), 1, False)]
    for bname, w, n, repl in bad:
        g.add(f'multinomial/error/{bname}', 'fn', 'multinomial', [In(w), n], {'replacement': repl}, expect_error=True)
    for dt in ['int64', 'int32', 'bool']:
        g.add(f'rand/error/{dt}', 'fn', 'rand', [3], {'dtype': dt}, expect_error=True)
        g.add(f'randn/error/{dt}', 'fn', 'randn', [3], {'dtype': dt}, expect_error=True)
        for fn in ['uniform_', 'normal_', 'exponential_']:
            g.add(f'{fn}/error/{dt}', 'inplace', fn, [In(torch.zeros(3, dtype=BY_NAME[dt]))], expect_error=True)
    return g


def main():
    counts = {}
    for make in [elementwise, views, reductions, linalg, join_index, creation, random]:
        grp = make()
        counts[grp.name] = grp.write()
    print(json.dumps(counts), 'total', sum(counts.values()))


if __name__ == '__main__':
    main()

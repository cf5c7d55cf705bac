"""Writes packages/tensor/test/fixtures/format.json: PyTorch's repr of representative tensors.

Each case holds the tensor (shape, dtype, flat row-major values; nan/inf as strings), the print
options in force (keys as Flambeau's setPrintOptions) and `repr(t)`. Run with /usr/bin/python3.
"""
import json
import math
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'packages', 'tensor', 'test', 'fixtures', 'format.json')

DTYPE_NAMES = {torch.float32: 'float32', torch.float64: 'float64', torch.int32: 'int32',
               torch.int64: 'int64', torch.bool: 'bool', torch.uint8: 'uint8'}


def encode(v, dtype):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, float) and not math.isfinite(v):
        return 'nan' if math.isnan(v) else ('inf' if v > 0 else '-inf')
    if dtype == torch.float32:
        # the shortest decimal that rounds back to this float32 (Float32Array restores it exactly)
        return float(str(np.float32(v)))
    return v


cases = []


def case(name, t, options=None, grad_fn=None, default_dtype=torch.float32):
    opts = options or {}
    torch.set_default_dtype(default_dtype)
    torch.set_printoptions(
        precision=opts.get('precision'), threshold=opts.get('threshold'), edgeitems=opts.get('edgeitems'),
        linewidth=opts.get('linewidth'), profile=opts.get('profile'), sci_mode=opts.get('sciMode'))
    text = repr(t)
    torch.set_printoptions(profile='default')
    torch.set_default_dtype(torch.float32)
    data = t.detach().reshape(-1).tolist()
    cases.append({
        'name': name,
        'shape': list(t.shape),
        'dtype': DTYPE_NAMES[t.dtype],
        'values': [encode(v, t.dtype) for v in data],
        'options': opts,
        'requiresGrad': t.requires_grad,
        'gradFn': grad_fn,
        'defaultDtype': DTYPE_NAMES[default_dtype],
        'repr': text,
    })


torch.manual_seed(0)
nan, inf = float('nan'), float('inf')

# integers
case('int64 vector', torch.tensor([1, 2, 3]))
case('int64 negative widths', torch.tensor([[-100, 2], [3, 45678]]))
case('int64 scalar', torch.tensor(7))
case('int64 large', torch.tensor([2 ** 53, -(2 ** 40), 0]))
case('int32 matrix', torch.tensor([[1, -2, 3], [4, 5, 600]], dtype=torch.int32))
case('uint8 vector', torch.tensor([0, 255, 17], dtype=torch.uint8))
case('bool vector', torch.tensor([True, False, True]))
case('bool matrix', torch.tensor([[True], [False]]))
case('arange 20', torch.arange(20))
case('arange 2000 summarised', torch.arange(2000))
case('int64 wraps lines', torch.arange(0, 100000, 997))

# floats
case('float32 int mode', torch.tensor([1., 2., 3.]))
case('float32 int mode negatives', torch.tensor([[-1., 20.], [300., 0.]]))
case('float32 decimals', torch.tensor([1.5, -2.25, 3.125]))
case('float32 rand 3x4', torch.rand(3, 4))
case('float32 randn 2x3x4', torch.randn(2, 3, 4))
case('float32 randn 4x2x2x3', torch.randn(4, 2, 2, 3))
case('float32 scalar', torch.tensor(3.14159))
case('float32 scalar int', torch.tensor(2.))
case('float32 scalar zero', torch.tensor(0.))
case('float32 small needs sci', torch.tensor([1e-5, 1.0, 2.0]))
case('float32 large needs sci', torch.tensor([1e9, 1.5]))
case('float32 ratio > 1000 sci', torch.tensor([0.001, 2.5]))
case('float32 int mode sci', torch.tensor([1., 1e6]))
case('float32 int mode big', torch.tensor([1e9, 2.]))
case('float32 mixed magnitudes', torch.tensor([[123.456, 0.5], [7.0, 99.999]]))
case('float32 rounding up', torch.tensor([0.99999, 9.99995]))
case('float32 tie .4f', torch.tensor([0.03125, 0.5]))
case('float64 tie .4f', torch.tensor([0.03125, 1.03125, 2.00005], dtype=torch.float64))
case('float64 tie .4e', torch.tensor([1.03125e-7, 1.0], dtype=torch.float64))
case('float64 vector', torch.tensor([1.0, 2.5], dtype=torch.float64))
case('float64 int mode', torch.tensor([[1., 2.], [3., 4.]], dtype=torch.float64))
case('float64 scalar', torch.tensor(1e-10, dtype=torch.float64))
case('float64 exp3', torch.tensor([1e-300, 1e300], dtype=torch.float64))
case('nan inf float', torch.tensor([nan, inf, -inf, 1.5]))
case('nan inf int mode', torch.tensor([nan, inf, -inf, 2.0]))
case('only nan', torch.tensor([nan, nan]))
case('all zeros', torch.zeros(2, 3))
case('negative zero', torch.tensor([-0.0, 1.0]))
case('negative zero decimals', torch.tensor([-0.0, 1.5]))
case('negative zero scalar', torch.tensor(-0.0))
case('negative small rounds to -0', torch.tensor([-0.00004, 1.5, 20.0]))
case('float32 wraps lines', torch.linspace(-1, 1, 30))
case('float32 sci wraps', torch.logspace(-10, 10, 25))
case('float32 summarised 1d', torch.linspace(0, 1, 2000))
case('float32 summarised 2d', torch.randn(40, 50))
case('float32 summarised 3d', torch.randn(10, 10, 20))
case('float32 summarised one dim small', torch.randn(2, 600))
case('int64 summarised 3d', torch.arange(3000).reshape(10, 15, 20))

# empty
case('empty float', torch.tensor([]))
case('empty 0x3', torch.zeros(0, 3))
case('empty int64', torch.zeros(0, dtype=torch.int64))
case('empty 2x0x4 int32', torch.zeros(2, 0, 4, dtype=torch.int32))
case('empty bool', torch.zeros(0, dtype=torch.bool))
case('empty float64 3x0', torch.zeros(3, 0, dtype=torch.float64))

# default dtype float64: float32 tensors name their dtype instead
case('default float64: float32 vector', torch.tensor([1.5, 2.0], dtype=torch.float32), default_dtype=torch.float64)
case('default float64: float64 vector', torch.tensor([1.5, 2.0], dtype=torch.float64), default_dtype=torch.float64)
case('default float64: empty float32', torch.zeros(0, dtype=torch.float32), default_dtype=torch.float64)
case('default float64: empty float64', torch.zeros(2, 0, dtype=torch.float64), default_dtype=torch.float64)

# autograd suffixes
case('requires_grad leaf', torch.tensor([1.0, 2.0], requires_grad=True))
case('requires_grad scalar', torch.tensor(1.5, requires_grad=True))
x = torch.tensor([1.0, 2.0], requires_grad=True)
case('grad_fn mul', x * 2, grad_fn='MulBackward0')
case('grad_fn sum', (x * x).sum(), grad_fn='SumBackward0')
case('grad_fn wide float64', torch.randn(3, 7, dtype=torch.float64, requires_grad=True) * 1000, grad_fn='MulBackward0')
case('requires_grad float64 long line', torch.linspace(0, 1, 7, dtype=torch.float64).requires_grad_())
case('empty requires_grad', torch.zeros(0, 2, requires_grad=True))

# print options
case('precision 2', torch.tensor([1.12345, 2.5]), {'precision': 2})
case('precision 8 float64', torch.tensor([1 / 3, 2 / 3], dtype=torch.float64), {'precision': 8})
case('precision 0', torch.tensor([1.5, 2.5, 0.25]), {'precision': 0})
case('threshold 5', torch.arange(10), {'threshold': 5})
case('threshold 5 edgeitems 1 2d', torch.rand(4, 5), {'threshold': 5, 'edgeitems': 1})
case('edgeitems 2 summarised', torch.arange(2000.), {'edgeitems': 2})
case('linewidth 40', torch.rand(20), {'linewidth': 40})
case('linewidth 10 narrow', torch.rand(2, 3), {'linewidth': 10})
case('sciMode true', torch.tensor([1.5, 2.0]), {'sciMode': True})
case('sciMode true int mode', torch.tensor([1., 20.]), {'sciMode': True})
case('sciMode false', torch.tensor([1e-8, 1.0]), {'sciMode': False})
case('sciMode false big ints', torch.tensor([1e30, 1.0], dtype=torch.float64), {'sciMode': False})
case('sciMode true all zero', torch.zeros(2), {'sciMode': True})
case('profile short', torch.rand(5, 6), {'profile': 'short'})
case('profile short summarised', torch.randn(100, 20), {'profile': 'short'})
case('profile full', torch.arange(1200), {'profile': 'full'})
case('profile short then precision 3', torch.rand(3), {'profile': 'short', 'precision': 3})

with open(OUT, 'w') as f:
    # one case per line keeps diffs of regenerated fixtures readable
    f.write('{"torch": %s, "cases": [\n' % json.dumps(torch.__version__))
    f.write(',\n'.join(json.dumps(c) for c in cases))
    f.write('\n]}\n')
print(f'{len(cases)} cases -> {os.path.normpath(OUT)}')

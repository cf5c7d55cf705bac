"""Writes packages/tensor/test/fixtures/float16.json: torch.float16 results from PyTorch 1.13.

Run with /usr/bin/python3 (Debian python3-torch). PyTorch 1.13's CPU implements half casts,
add/sub/mul/div, pow, neg, abs, sum, mean, max, argmax and sort; the ops it leaves out for Half on
the CPU (exp, tanh, matmul, softmax, ...) are written the way PyTorch's CUDA kernels define them:
computed in float32 (the `opmath` type of Half) from the half inputs, the result stored as half,
i.e. `f(x.float()).half()`. Matmul and reductions accumulate in float32 likewise.

Every value is written as a JSON number (float16 values are exact) or 'NaN'/'Infinity'/'-Infinity'.
"""
import json
import math
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'packages', 'tensor', 'test', 'fixtures', 'float16.json')


def num(v):
    v = float(v)
    return v if math.isfinite(v) else ('NaN' if math.isnan(v) else ('Infinity' if v > 0 else '-Infinity'))


def flat(t):
    t = t.detach()
    return {'shape': list(t.shape), 'data': [num(v) for v in t.reshape(-1).tolist()]}


def main():
    g = torch.Generator().manual_seed(16)
    # Casts float32 -> float16: ties, overflow to inf, subnormals, underflow to zero, NaN.
    cast_in = torch.tensor([0.1, 1 / 3, -2.5, 65504, 65519.99, 65520, 1e5, -1e5, 6e-8, 2.9e-8, 3e-8, 1e-5,
                            2049, 2051, 1 + 2 ** -11, 1 + 3 * 2 ** -11, -0.0, float('inf'), float('nan'), 7.2e-4],
                           dtype=torch.float32)
    half_of = cast_in.half()
    x = (torch.randn(6, 7, generator=g) * 3).half()
    y = (torch.randn(6, 7, generator=g) * 3).half()
    pos = x.abs() + 0.25
    a = torch.randn(9, 13, generator=g).half()
    b = torch.randn(13, 5, generator=g).half()
    ba = torch.randn(3, 4, 20, generator=g).half()
    bb = torch.randn(3, 20, 6, generator=g).half()
    big = (torch.randn(300, generator=g) * 10).half()

    via_float = lambda f, *ts: f(*[t.float() for t in ts]).half()
    cases = {
        'castFromFloat32': {'input': flat(cast_in), 'output': flat(half_of)},
        'castToInt32': {'input': flat(x), 'output': flat(x.to(torch.int32))},
        'castToBool': {'input': flat(half_of[:15]), 'output': flat(half_of[:15].bool().to(torch.uint8))},
        'binary': {'x': flat(x), 'y': flat(y), 'out': {
            'add': flat(x + y), 'sub': flat(x - y), 'mul': flat(x * y), 'div': flat(x / y),
            'mulScalar': flat(x * 0.1), 'addScalar': flat(x + 1.7), 'pow2': flat(x.pow(2)),
            'maximum': flat(via_float(torch.maximum, x, y)),
        }},
        'unary': {'x': flat(x), 'pos': flat(pos), 'out': {
            'neg': flat(-x), 'abs': flat(x.abs()), 'exp': flat(via_float(torch.exp, x)),
            'tanh': flat(via_float(torch.tanh, x)), 'sigmoid': flat(via_float(torch.sigmoid, x)),
            'relu': flat(via_float(torch.relu, x)), 'sin': flat(via_float(torch.sin, x)),
            'sqrt': flat(via_float(torch.sqrt, pos)), 'log': flat(via_float(torch.log, pos)),
        }},
        'reduce': {'x': flat(x), 'big': flat(big), 'out': {
            'sumAll': flat(x.sum()), 'sum1': flat(x.sum(1)), 'mean0': flat(x.mean(0)),
            'max1': flat(x.max(1).values), 'argmax1': flat(x.argmax(1)),
            'bigSum': flat(big.sum()), 'bigMean': flat(big.mean()),
        }},
        'matmul': {'a': flat(a), 'b': flat(b), 'out': flat(via_float(torch.matmul, a, b)),
                   'ba': flat(ba), 'bb': flat(bb), 'bout': flat(via_float(torch.matmul, ba, bb))},
        'softmax': {'x': flat(x), 'out': flat(via_float(lambda t: t.softmax(1), x))},
    }
    with open(OUT, 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': cases}, f, allow_nan=False)
        f.write('\n')


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""Generates the PyTorch fixtures of @flambeau/nn's parameter containers, module backward hooks,
adaptive max pooling with indices, transposed convolution and integer pooling into
packages/nn/test/fixtures/nn_extra.json.

Run with Debian's torch: /usr/bin/python3 tools/gen_nn_extra_fixtures.py
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'packages', 'nn', 'test', 'fixtures', 'nn_extra.json')

DTYPES = {torch.float32: 'float32', torch.float64: 'float64', torch.int64: 'int64', torch.int32: 'int32',
          torch.bool: 'bool', torch.uint8: 'uint8'}


def T(t):
    """A tensor as JSON: shape, dtype and row-major data (None stays None)."""
    if t is None:
        return None
    t = t.detach().cpu().contiguous()
    data = t.reshape(-1).tolist()
    if t.dtype == torch.bool:
        data = [1 if x else 0 for x in data]
    return {'shape': list(t.shape), 'dtype': DTYPES[t.dtype], 'data': data}


def Ts(ts):
    return [T(t) for t in ts]


# ------------------------------------------------------------------ parameter containers

def gen_containers():
    class Holder(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(2, 2)
            self.plist = nn.ParameterList([nn.Parameter(torch.zeros(3, 4)), nn.Parameter(torch.zeros(2, dtype=torch.float64))])
            self.pdict = nn.ParameterDict({'a': nn.Parameter(torch.zeros(5)),
                                           'b': nn.Parameter(torch.zeros(2, 3), requires_grad=False)})

    h = Holder()
    plist = nn.ParameterList([torch.zeros(2)])
    plist.append(torch.zeros(1, 2))
    plist.extend([torch.zeros(3, dtype=torch.float64)])
    pdict = nn.ParameterDict({'x': torch.zeros(2)})
    pdict.update({'y': torch.ones(3), 'x': torch.zeros(4, dtype=torch.float64)})
    return {
        'holderRepr': str(h),
        'holderNamedParameters': [k for k, _ in h.named_parameters()],
        'holderStateKeys': list(h.state_dict().keys()),
        'holderRequiresGrad': [p.requires_grad for p in h.parameters()],
        'plistRepr': str(plist),
        'plistShapes': [list(p.shape) for p in plist],
        'pdictRepr': str(pdict),
        'pdictKeys': list(pdict.keys()),
        'pdictShapes': [list(p.shape) for p in pdict.values()],
        'singleRepr': str(nn.ParameterList([nn.Parameter(torch.zeros(2))])),
        'scalarDictRepr': str(nn.ParameterDict({'s': nn.Parameter(torch.tensor(1.0, dtype=torch.float64))})),
        'emptyReprs': [str(nn.ParameterList()), str(nn.ParameterDict())],
    }


def main():
    fx = {'containers': gen_containers()}
    with open(OUT, 'w') as f:
        json.dump(fx, f, separators=(',', ':'))
    print('wrote', OUT)


if __name__ == '__main__':
    main()

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


# ------------------------------------------------------------------ module backward hooks

class Two(nn.Module):
    """Three positional inputs (a tensor needing grad, one not, an int) and two outputs."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 3)

    def forward(self, x, y, k):
        h = self.lin(x) * y * k
        return h.sum(1), h.exp()


def recorder(seen, name=None):
    def hook(module, grad_input, grad_output):
        seen.append({'name': name, 'gradInput': Ts(grad_input), 'gradOutput': Ts(grad_output)})
    return hook


def gen_hooks():
    torch.manual_seed(0)
    out = {}

    lin = nn.Linear(3, 2)
    x = torch.randn(4, 3, requires_grad=True)
    seen = []
    h = lin.register_full_backward_hook(recorder(seen))
    (lin(x) ** 2).sum().backward()
    h.remove()
    out['linear'] = {'state': {k: T(v) for k, v in lin.state_dict().items()}, 'x': T(x), 'calls': seen,
                     'xGrad': T(x.grad), 'weightGrad': T(lin.weight.grad)}

    # A replacement grad_input changes what flows to the caller, not the parameters' gradients.
    lin.zero_grad()
    x.grad = None
    h = lin.register_full_backward_hook(lambda m, gi, go: (gi[0] * 2,))
    (lin(x) ** 2).sum().backward()
    h.remove()
    out['replace'] = {'xGrad': T(x.grad), 'weightGrad': T(lin.weight.grad)}

    # No input requires grad: the hook still runs, with None for every input.
    lin.zero_grad()
    seen = []
    h = lin.register_full_backward_hook(recorder(seen))
    (lin(x.detach()) ** 2).sum().backward()
    h.remove()
    out['noInputGrad'] = {'calls': seen, 'weightGrad': T(lin.weight.grad)}

    # PyTorch 2's register_full_backward_pre_hook(hook(module, grad_output)) returning a new
    # grad_output acts as a hook on the output tensor; 1.13 lacks it, so the truth is built that way.
    lin.zero_grad()
    x.grad = None
    y = lin(x)
    go_seen = []
    y.register_hook(lambda g: (go_seen.append(T(g)), g * 3)[1])
    (y ** 2).sum().backward()
    out['preHook'] = {'gradOutputSeen': go_seen, 'xGrad': T(x.grad), 'weightGrad': T(lin.weight.grad)}

    two = Two()
    x = torch.randn(2, 3, requires_grad=True)
    y = torch.randn(2, 3)
    seen = []
    two.register_full_backward_hook(recorder(seen))
    a, b = two(x, y, 2)
    a.sum().backward()
    out['two'] = {'state': {k: T(v) for k, v in two.state_dict().items()}, 'x': T(x), 'y': T(y), 'calls': seen,
                  'xGrad': T(x.grad)}

    seq = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    seen = []
    for name, m in seq.named_children():
        m.register_full_backward_hook(recorder(seen, name))
    x = torch.randn(5, 3, requires_grad=True)
    seq(x).sum().backward()
    out['sequential'] = {'state': {k: T(v) for k, v in seq.state_dict().items()}, 'x': T(x), 'calls': seen}
    return out


# ------------------------------------------------------------------ pooling and transposed convolution

def gen_adaptive_max():
    torch.manual_seed(1)
    x = torch.randn(2, 3, 7, 9, dtype=torch.float64)
    pool = nn.AdaptiveMaxPool2d((3, 4), return_indices=True)
    v, i = pool(x)
    unpooled = F.max_unpool2d(*F.max_pool2d(x, 2, return_indices=True), 2, output_size=x.shape)
    return {'repr': str(pool), 'x': T(x), 'values': T(v), 'indices': T(i), 'unpooled': T(unpooled)}


def gen_conv_transpose():
    torch.manual_seed(2)
    m = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2).double()
    x = torch.randn(2, 4, 5, 5, dtype=torch.float64, requires_grad=True)
    y = m(x)
    g = torch.randn_like(y)
    y.backward(g)
    xu = torch.randn(4, 3, 3, dtype=torch.float64)
    return {'state': {k: T(v) for k, v in m.state_dict().items()}, 'x': T(x), 'y': T(y), 'gradFn': type(y.grad_fn).__name__,
            'gradOut': T(g), 'xGrad': T(x.grad), 'weightGrad': T(m.weight.grad), 'biasGrad': T(m.bias.grad),
            'unbatchedX': T(xu), 'unbatchedY': T(m(xu))}


def outcome(fn):
    try:
        return {'value': T(fn())}
    except RuntimeError as e:
        return {'error': str(e)}


def gen_int_pool():
    x2 = torch.tensor([[[[1, 2, 4, -3], [7, 3, -5, 8], [-6, 9, -1, 2]]], [[[0, -7, 5, 5], [3, 3, -2, 1], [4, -9, 6, 7]]]])
    x1 = torch.tensor([[[1, 2, 4, 7, 3, -5, -6, 9]], [[-1, -2, 4, 6, 0, 5, -3, 3]]])
    cases = {
        'avgPool2d k2': lambda: F.avg_pool2d(x2, 2),
        'avgPool2d k2 s1 p1': lambda: F.avg_pool2d(x2, 2, stride=1, padding=1),
        'avgPool2d k3 s1 p1 exclude pad': lambda: F.avg_pool2d(x2, 3, stride=1, padding=1, count_include_pad=False),
        'avgPool2d k2 ceil': lambda: F.avg_pool2d(x2, 2, ceil_mode=True),
        'avgPool2d k2 s1 divisor 3': lambda: F.avg_pool2d(x2, 2, stride=1, divisor_override=3),
        'avgPool2d unbatched': lambda: F.avg_pool2d(x2[0], 2, stride=1),
        'avgPool1d k3': lambda: F.avg_pool1d(x1, 3),
        'avgPool1d k2 s1 p1': lambda: F.avg_pool1d(x1, 2, stride=1, padding=1),
        'AvgPool2d layer': lambda: nn.AvgPool2d(2, stride=1)(x2),
        'maxPool2d int64': lambda: F.max_pool2d(x2, 2),
        'maxPool1d int64': lambda: F.max_pool1d(x1, 2),
        'avgPool2d int32': lambda: F.avg_pool2d(x2.int(), 2),
        'avgPool2d uint8': lambda: F.avg_pool2d(x2.abs().to(torch.uint8), 2),
    }
    return {'x2': T(x2), 'x1': T(x1), 'cases': {k: outcome(f) for k, f in cases.items()}}


def main():
    fx = {'containers': gen_containers(), 'hooks': gen_hooks(), 'adaptiveMax': gen_adaptive_max(),
          'convTranspose': gen_conv_transpose(), 'intPool': gen_int_pool()}
    with open(OUT, 'w') as f:
        json.dump(fx, f, separators=(',', ':'))
    print('wrote', OUT)


if __name__ == '__main__':
    main()

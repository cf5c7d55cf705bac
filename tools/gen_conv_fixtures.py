"""Generates PyTorch fixtures for convolution, pooling and normalization.

Writes packages/tensor/test/fixtures/conv_ops.json (the raw ops and their gradients) and
packages/nn/test/fixtures/conv_layers.json (nn layers and functional forms, explicit weights).
Run with Debian's torch: /usr/bin/python3 tools/gen_conv_fixtures.py
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
torch.manual_seed(1234)


def flat(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def rnd(*shape, dtype=torch.float64):
    # Values on a 1/64 grid: exact in float32 too, so kernels in either dtype see identical input.
    return (torch.randint(-128, 129, shape).to(dtype) / 64)


def grads(out, inputs):
    g = rnd(*out.shape, dtype=out.dtype)
    gs = torch.autograd.grad(out, inputs, g)
    return g, gs


def conv_case(name, xs, ws, bias=True, dtype=torch.float64, **kw):
    x = rnd(*xs, dtype=dtype).requires_grad_()
    w = rnd(*ws, dtype=dtype).requires_grad_()
    b = rnd(ws[0], dtype=dtype).requires_grad_() if bias else None
    out = F.conv2d(x, w, b, **kw)
    ins = [x, w] + ([b] if bias else [])
    g, gs = grads(out, ins)
    attrs = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}
    case = {"name": name, "dtype": str(dtype).replace("torch.", ""), "attrs": attrs, "x": flat(x), "w": flat(w),
            "out": flat(out), "gradOut": flat(g), "dx": flat(gs[0]), "dw": flat(gs[1])}
    if bias:
        case["b"] = flat(b)
        case["db"] = flat(gs[2])
    return case


def maxpool_case(name, xs, dtype=torch.float64, **kw):
    x = rnd(*xs, dtype=dtype)
    x = (x + torch.rand(*xs, dtype=dtype) / 1024).requires_grad_()  # break ties: indices are unique
    out, idx = F.max_pool2d(x, return_indices=True, **kw)
    g, (dx,) = grads(out, [x])
    attrs = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}
    return {"name": name, "dtype": str(dtype).replace("torch.", ""), "attrs": attrs, "x": flat(x), "out": flat(out),
            "indices": flat(idx), "gradOut": flat(g), "dx": flat(dx)}


def avgpool_case(name, xs, dtype=torch.float64, **kw):
    x = rnd(*xs, dtype=dtype).requires_grad_()
    out = F.avg_pool2d(x, **kw)
    g, (dx,) = grads(out, [x])
    attrs = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}
    return {"name": name, "dtype": str(dtype).replace("torch.", ""), "attrs": attrs, "x": flat(x), "out": flat(out),
            "gradOut": flat(g), "dx": flat(dx)}


def ops_fixtures():
    conv = [
        conv_case("basic", (2, 3, 7, 6), (4, 3, 3, 3)),
        conv_case("no bias float32", (2, 3, 7, 6), (4, 3, 3, 3), bias=False, dtype=torch.float32),
        conv_case("stride 2 pad 1", (2, 2, 8, 9), (3, 2, 3, 3), stride=2, padding=1),
        conv_case("asymmetric", (1, 2, 9, 7), (3, 2, 3, 2), stride=(2, 1), padding=(1, 2), dilation=(1, 2)),
        conv_case("dilation 2", (2, 2, 9, 9), (2, 2, 3, 3), dilation=2, padding=2),
        conv_case("groups 2", (2, 4, 6, 6), (6, 2, 3, 3), groups=2, padding=1),
        conv_case("depthwise", (2, 3, 6, 5), (6, 1, 3, 3), groups=3, stride=2, padding=1),
        conv_case("pointwise", (2, 5, 4, 3), (3, 5, 1, 1)),
        conv_case("pointwise stride 2", (2, 5, 5, 5), (3, 5, 1, 1), stride=2),
        conv_case("kernel equals input", (2, 2, 3, 4), (3, 2, 3, 4)),
        conv_case("stride larger than kernel", (1, 2, 10, 11), (2, 2, 2, 2), stride=3, padding=1),
        conv_case("unbatched", (3, 6, 6), (2, 3, 3, 3), padding=1),
        conv_case("many channels float32", (2, 9, 6, 6), (7, 9, 3, 3), dtype=torch.float32, padding=1),
    ]
    maxp = [
        maxpool_case("k2", (2, 3, 6, 6), kernel_size=2),
        maxpool_case("k3 s2 p1", (1, 2, 7, 8), kernel_size=3, stride=2, padding=1),
        maxpool_case("ceil", (1, 2, 5, 5), kernel_size=2, ceil_mode=True),
        maxpool_case("ceil pad", (1, 1, 6, 7), kernel_size=3, stride=2, padding=1, ceil_mode=True),
        maxpool_case("ceil drops window", (1, 1, 5, 5), kernel_size=2, stride=2, padding=1, ceil_mode=True),
        maxpool_case("dilation", (1, 2, 8, 9), kernel_size=(2, 3), stride=(1, 2), padding=(1, 1), dilation=(2, 2)),
        maxpool_case("dilation ceil", (1, 1, 9, 9), kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True),
        maxpool_case("unbatched float32", (2, 5, 5), kernel_size=3, stride=1, dtype=torch.float32),
    ]
    avgp = [
        avgpool_case("k2", (2, 3, 6, 6), kernel_size=2),
        avgpool_case("k3 s2 p1", (1, 2, 7, 8), kernel_size=3, stride=2, padding=1),
        avgpool_case("exclude pad", (1, 2, 7, 8), kernel_size=3, stride=2, padding=1, count_include_pad=False),
        avgpool_case("ceil", (1, 2, 5, 5), kernel_size=2, ceil_mode=True),
        avgpool_case("ceil pad include", (1, 1, 6, 7), kernel_size=3, stride=2, padding=1, ceil_mode=True),
        avgpool_case("ceil pad exclude", (1, 1, 6, 7), kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
        avgpool_case("divisor override", (1, 2, 6, 6), kernel_size=3, stride=2, padding=1, divisor_override=5),
        avgpool_case("rect", (2, 1, 7, 9), kernel_size=(2, 4), stride=(3, 2), padding=(1, 2)),
        avgpool_case("unbatched float32", (2, 5, 5), kernel_size=2, stride=1, dtype=torch.float32),
    ]
    return {"conv2d": conv, "maxPool2d": maxp, "avgPool2d": avgp}


def dump(obj, rel):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
    print("wrote", rel)


if __name__ == "__main__":
    dump(ops_fixtures(), "packages/tensor/test/fixtures/conv_ops.json")

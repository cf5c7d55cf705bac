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


def module_case(name, m, xs, dtype=torch.float64, steps=1, train=True, extra_inputs=()):
    """Runs `m` on fresh inputs `steps` times; records parameters before, outputs, gradients of the
    last step and buffers after."""
    m = m.to(dtype)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(rnd(*p.shape, dtype=dtype))
    params = {k: flat(v) for k, v in m.named_parameters()}
    m.train(train)
    xs_list, outs = [], []
    for _ in range(steps):
        x = rnd(*xs, dtype=dtype).requires_grad_()
        out = m(x, *extra_inputs)
        if isinstance(out, tuple):
            out = out[0]
        xs_list.append(x)
        outs.append(out)
    ins = [xs_list[-1]] + [p for _, p in m.named_parameters()]
    g, gs = grads(outs[-1], ins)
    return {"name": name, "repr": repr(m), "dtype": str(dtype).replace("torch.", ""), "training": train, "params": params,
            "inputs": [flat(x) for x in xs_list], "outputs": [flat(o) for o in outs], "gradOut": flat(g),
            "grads": dict(zip(["input"] + [k for k, _ in m.named_parameters()], [flat(t) for t in gs])),
            "buffers": {k: flat(v) for k, v in m.named_buffers()}}


def layer_fixtures():
    cases = [
        module_case("conv2d stride 2 pad 1", nn.Conv2d(3, 4, 3, stride=2, padding=1), (2, 3, 7, 6)),
        module_case("conv2d same dilation groups", nn.Conv2d(4, 6, (3, 2), padding="same", dilation=2, groups=2, bias=False), (2, 4, 7, 6)),
        module_case("conv2d same even kernel", nn.Conv2d(2, 3, 4, padding="same"), (1, 2, 6, 5)),
        module_case("conv2d valid", nn.Conv2d(2, 3, 3, padding="valid"), (1, 2, 5, 5)),
        module_case("conv2d reflect", nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect"), (2, 2, 5, 6)),
        module_case("conv2d replicate", nn.Conv2d(2, 3, 3, padding=(2, 1), padding_mode="replicate"), (1, 2, 5, 6)),
        module_case("conv2d circular", nn.Conv2d(2, 3, 3, stride=2, padding=2, padding_mode="circular"), (1, 2, 5, 6)),
        module_case("conv2d unbatched float32", nn.Conv2d(3, 2, 3), (3, 6, 6), dtype=torch.float32),
        module_case("conv1d", nn.Conv1d(3, 5, 3, stride=2, padding=1), (2, 3, 9)),
        module_case("conv1d same reflect", nn.Conv1d(2, 4, 4, padding="same", padding_mode="reflect", dilation=2), (2, 2, 11)),
        module_case("conv1d unbatched groups", nn.Conv1d(4, 2, 3, groups=2), (4, 7)),
        module_case("convtranspose2d", nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1), (2, 4, 4, 5)),
        module_case("convtranspose2d groups dilation", nn.ConvTranspose2d(4, 6, (3, 2), stride=(2, 1), groups=2, dilation=2, bias=False), (1, 4, 3, 4)),
        module_case("convtranspose2d unbatched", nn.ConvTranspose2d(2, 3, 2, stride=2), (2, 3, 3)),
        module_case("maxpool2d ceil", nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), (2, 2, 6, 7)),
        module_case("maxpool2d dilation", nn.MaxPool2d((2, 3), stride=(1, 2), dilation=2), (1, 2, 7, 8)),
        module_case("maxpool1d", nn.MaxPool1d(3, stride=2, padding=1), (2, 3, 10)),
        module_case("avgpool2d exclude pad", nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), (2, 2, 7, 6)),
        module_case("avgpool2d divisor", nn.AvgPool2d(2, divisor_override=3), (1, 2, 4, 6)),
        module_case("avgpool1d", nn.AvgPool1d(4, stride=2, padding=1), (2, 2, 9)),
        module_case("adaptiveavgpool2d uneven", nn.AdaptiveAvgPool2d((3, 5)), (2, 2, 7, 9)),
        module_case("adaptiveavgpool2d even", nn.AdaptiveAvgPool2d(2), (1, 3, 6, 4)),
        module_case("adaptiveavgpool2d none", nn.AdaptiveAvgPool2d((None, 3)), (1, 2, 4, 7)),
        module_case("adaptiveavgpool1d", nn.AdaptiveAvgPool1d(3), (2, 2, 8)),
        module_case("adaptivemaxpool2d uneven", nn.AdaptiveMaxPool2d((3, 4)), (2, 2, 7, 9)),
        module_case("adaptivemaxpool2d even", nn.AdaptiveMaxPool2d(2), (1, 2, 4, 6)),
        module_case("batchnorm2d train", nn.BatchNorm2d(3), (4, 3, 3, 2), steps=2),
        module_case("batchnorm2d eval", nn.BatchNorm2d(3), (2, 3, 3, 2), train=False),
        module_case("batchnorm1d cumulative", nn.BatchNorm1d(4, momentum=None), (5, 4), steps=3),
        module_case("batchnorm1d 3d no affine", nn.BatchNorm1d(3, affine=False, eps=1e-3), (2, 3, 5), steps=2),
        module_case("batchnorm2d no running stats", nn.BatchNorm2d(2, track_running_stats=False), (3, 2, 2, 2), train=False),
        module_case("batchnorm2d float32", nn.BatchNorm2d(3, momentum=0.3), (4, 3, 4, 4), dtype=torch.float32, steps=2),
        module_case("layernorm", nn.LayerNorm([3, 4]), (2, 5, 3, 4)),
        module_case("layernorm no affine", nn.LayerNorm(6, elementwise_affine=False, eps=1e-6), (3, 6)),
        module_case("groupnorm", nn.GroupNorm(2, 6), (2, 6, 3, 2)),
        module_case("groupnorm no affine", nn.GroupNorm(3, 3, affine=False), (2, 3, 5)),
        module_case("upsample nearest x2", nn.Upsample(scale_factor=2), (1, 2, 3, 4)),
        module_case("upsample nearest size", nn.Upsample(size=(5, 7)), (1, 2, 3, 4)),
        module_case("upsample nearest 1.5", nn.Upsample(scale_factor=1.5), (1, 1, 5, 3)),
        module_case("upsample bilinear", nn.Upsample(scale_factor=2, mode="bilinear"), (1, 2, 3, 4)),
        module_case("upsample bilinear align", nn.Upsample(size=(5, 7), mode="bilinear", align_corners=True), (2, 1, 3, 4)),
        module_case("upsample bilinear down", nn.Upsample(size=(2, 3), mode="bilinear"), (1, 2, 5, 7)),
    ]
    # MaxUnpool2d inverts a MaxPool2d: record the pool's indices with the case.
    pool = nn.MaxPool2d(2, stride=2, return_indices=True)
    x = rnd(2, 2, 5, 6) + torch.rand(2, 2, 5, 6, dtype=torch.float64) / 1024
    v, idx = pool(x)
    v.requires_grad_()
    unpool = nn.MaxUnpool2d(2, stride=2)
    out = unpool(v, idx, output_size=x.shape)
    g, (gv,) = grads(out, [v])
    unpool_case = {"repr": repr(unpool), "values": flat(v), "indices": flat(idx), "outputSize": list(x.shape), "output": flat(out),
                   "gradOut": flat(g), "grad": flat(gv)}
    reprs = {
        "Conv2d(3, 8, 5)": repr(nn.Conv2d(3, 8, 5)),
        "Conv2d(3, 32, 5, padding=2)": repr(nn.Conv2d(3, 32, 5, padding=2)),
        "Conv2d(4, 8, (3, 1), same, dilation, groups, nobias, circular)": repr(nn.Conv2d(4, 8, (3, 1), padding="same", dilation=(2, 1), groups=4, bias=False, padding_mode="circular")),
        "Conv1d(16, 33, 3, stride=2)": repr(nn.Conv1d(16, 33, 3, stride=2)),
        "ConvTranspose2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), output_padding=1)": repr(nn.ConvTranspose2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), output_padding=1)),
        "MaxPool2d(2)": repr(nn.MaxPool2d(2)),
        "MaxPool2d((3, 2), stride=(2, 1), ceil)": repr(nn.MaxPool2d((3, 2), stride=(2, 1), ceil_mode=True)),
        "MaxPool1d(3)": repr(nn.MaxPool1d(3)),
        "AvgPool2d(2)": repr(nn.AvgPool2d(2)),
        "AvgPool1d(3, stride=2)": repr(nn.AvgPool1d(3, stride=2)),
        "AdaptiveAvgPool2d((5, 7))": repr(nn.AdaptiveAvgPool2d((5, 7))),
        "AdaptiveAvgPool2d(1)": repr(nn.AdaptiveAvgPool2d(1)),
        "AdaptiveMaxPool2d((None, 7))": repr(nn.AdaptiveMaxPool2d((None, 7))),
        "MaxUnpool2d(2)": repr(nn.MaxUnpool2d(2)),
        "BatchNorm2d(32)": repr(nn.BatchNorm2d(32)),
        "BatchNorm1d(10, momentum=None, affine=False)": repr(nn.BatchNorm1d(10, momentum=None, affine=False)),
        "BatchNorm1d(4, eps=0.001, track_running_stats=False)": repr(nn.BatchNorm1d(4, eps=0.001, track_running_stats=False)),
        "LayerNorm(10)": repr(nn.LayerNorm(10)),
        "LayerNorm([3, 4], eps=1e-6, no affine)": repr(nn.LayerNorm([3, 4], eps=1e-6, elementwise_affine=False)),
        "GroupNorm(2, 6)": repr(nn.GroupNorm(2, 6)),
        "Dropout2d()": repr(nn.Dropout2d()),
        "Dropout2d(0.2)": repr(nn.Dropout2d(0.2)),
        "Upsample(scale_factor=2)": repr(nn.Upsample(scale_factor=2)),
        "Upsample(size=(5, 7), bilinear)": repr(nn.Upsample(size=(5, 7), mode="bilinear")),
    }
    # Default initialisation, consuming torch's global generator from seed 0.
    torch.manual_seed(0)
    c = nn.Conv2d(3, 8, 5)
    t = nn.ConvTranspose2d(4, 2, 3, groups=2)
    c1 = nn.Conv1d(2, 3, 4, bias=False)
    init = {"conv2d": {k: flat(v) for k, v in c.named_parameters()}, "convTranspose2d": {k: flat(v) for k, v in t.named_parameters()},
            "conv1d": {k: flat(v) for k, v in c1.named_parameters()}}
    return {"cases": cases, "unpool": unpool_case, "reprs": reprs, "init": init}


if __name__ == "__main__":
    dump(ops_fixtures(), "packages/tensor/test/fixtures/conv_ops.json")
    torch.manual_seed(4321)
    dump(layer_fixtures(), "packages/nn/test/fixtures/conv_layers.json")

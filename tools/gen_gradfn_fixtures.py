#!/usr/bin/python3
"""Generates packages/nn/test/fixtures/gradfn_names.json: for each expression (a layer, functional
or tensor method applied to inputs of given shapes), the name of its result's autograd node,
`type(out.grad_fn).__name__`, as PyTorch 1.13 prints it in `grad_fn=<...>`.

Rows are data, so the TypeScript test builds the same call from them:
  call: 'F.<camelName>' (functional), 'nn.<Layer>' (module built with ctor/ctorOpts, then called),
        'method.<camelName>' (a tensor method on the first input), 'torch.<name>' (a function of the
        list of inputs: stack, cat); a list result (split, unbind) is named by its first tensor;
  inputs: tensor specs {shape, kind, grad, t}; kind is randn | rand | prob | logprob | classes:<C>;
          t: build the reversed shape and permute it back (a non-contiguous input);
  args: positional arguments after the tensors; opts: keyword arguments (camelCase; a value that
        is a tensor spec becomes a tensor).
Run with Debian's torch: /usr/bin/python3 tools/gen_gradfn_fixtures.py
"""
import json
import os
import re
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.filterwarnings('ignore')
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'packages', 'nn', 'test', 'fixtures', 'gradfn_names.json')


def S(shape, kind='randn', grad=False, t=False):
    return {'shape': list(shape), 'kind': kind, 'grad': grad, 't': t}


def X(*shape):
    """A float input that requires grad."""
    return S(shape, grad=True)


ROWS = []


def row(call, inputs, args=(), opts=None, ctor=(), ctor_opts=None):
    ROWS.append({'call': call, 'inputs': inputs, 'args': list(args), 'opts': opts or {},
                 'ctor': list(ctor), 'ctorOpts': ctor_opts or {}})


# Losses.
for red in ('mean', 'sum', 'none'):
    for fn in ('mseLoss', 'l1Loss', 'smoothL1Loss', 'huberLoss'):
        row('F.' + fn, [X(3, 4), S([3, 4])], opts={'reduction': red})
    row('F.nllLoss', [S([3, 5], 'logprob', True), S([3], 'classes:5')], opts={'reduction': red})
    row('F.crossEntropy', [X(3, 5), S([3], 'classes:5')], opts={'reduction': red})
    row('F.crossEntropy', [X(3, 5), S([3], 'classes:5')], opts={'reduction': red, 'labelSmoothing': 0.1})
    row('F.crossEntropy', [X(3, 5), S([3, 5], 'prob')], opts={'reduction': red})
    row('F.binaryCrossEntropy', [S([3, 4], 'rand', True), S([3, 4], 'rand')], opts={'reduction': red})
    row('F.binaryCrossEntropyWithLogits', [X(3, 4), S([3, 4], 'rand')], opts={'reduction': red})
    row('F.klDiv', [S([3, 5], 'logprob', True), S([3, 5], 'prob')], opts={'reduction': red})
row('F.smoothL1Loss', [X(3, 4), S([3, 4])], opts={'beta': 0.0})
row('F.huberLoss', [X(3, 4), S([3, 4])], opts={'delta': 0.5})
row('F.nllLoss', [S([5], 'logprob', True), S([], 'classes:5')])
row('F.nllLoss', [S([3, 5], 'logprob', True), S([3], 'classes:5')], opts={'weight': S([5], 'rand'), 'ignoreIndex': 1})
row('F.nllLoss', [S([2, 5, 4], 'logprob', True), S([2, 4], 'classes:5')])
row('F.crossEntropy', [X(2, 5, 3, 3), S([2, 3, 3], 'classes:5')])
row('F.crossEntropy', [X(3, 5), S([3], 'classes:5')], opts={'weight': S([5], 'rand')})
row('F.crossEntropy', [X(3, 5), S([3, 5], 'prob')], opts={'weight': S([5], 'rand')})
row('F.binaryCrossEntropy', [S([3, 4], 'rand', True), S([3, 4], 'rand')], opts={'weight': S([3, 4], 'rand')})
row('F.binaryCrossEntropyWithLogits', [X(3, 4), S([3, 4], 'rand')], opts={'posWeight': S([4], 'rand')})
row('F.klDiv', [S([3, 5], 'logprob', True), S([3, 5], 'prob')], opts={'reduction': 'batchmean'})
row('F.klDiv', [S([3, 5], 'logprob', True), S([3, 5], 'logprob')], opts={'logTarget': True})
for layer, inputs in (('MSELoss', [X(3, 4), S([3, 4])]), ('L1Loss', [X(3, 4), S([3, 4])]),
                      ('SmoothL1Loss', [X(3, 4), S([3, 4])]), ('HuberLoss', [X(3, 4), S([3, 4])]),
                      ('CrossEntropyLoss', [X(3, 5), S([3], 'classes:5')]),
                      ('NLLLoss', [S([3, 5], 'logprob', True), S([3], 'classes:5')]),
                      ('BCELoss', [S([3, 4], 'rand', True), S([3, 4], 'rand')]),
                      ('BCEWithLogitsLoss', [X(3, 4), S([3, 4], 'rand')])):
    row('nn.' + layer, inputs)

# Linear.
row('F.linear', [X(3, 4), X(5, 4), X(5)])
row('F.linear', [X(3, 4), X(5, 4)])
row('F.linear', [S([3, 4]), X(5, 4), X(5)])
row('F.linear', [X(4), X(5, 4), X(5)])
row('F.linear', [X(4), X(5, 4)])
row('F.linear', [X(2, 3, 4), X(5, 4), X(5)])
row('F.linear', [X(2, 3, 4), X(5, 4)])
row('nn.Linear', [S([3, 4])], ctor=[4, 5])
row('nn.Linear', [S([3, 4])], ctor=[4, 5], ctor_opts={'bias': False})
row('nn.Linear', [S([2, 3, 4])], ctor=[4, 5])

# Convolution and pooling.
row('F.conv2d', [X(1, 2, 6, 6), X(3, 2, 3, 3)])
row('F.conv2d', [X(1, 2, 6, 6), X(3, 2, 3, 3), X(3)], opts={'padding': 1})
row('F.conv1d', [X(1, 2, 6), X(3, 2, 3)])
row('nn.Conv2d', [S([1, 2, 6, 6])], ctor=[2, 3, 3])
row('F.convTranspose2d', [X(1, 2, 4, 4), X(2, 3, 3, 3), X(3)], opts={'stride': 2})
row('F.convTranspose2d', [X(1, 2, 4, 4), X(2, 3, 3, 3)])
row('nn.ConvTranspose2d', [S([1, 2, 4, 4])], ctor=[2, 3, 3])
row('F.maxPool2d', [X(1, 2, 6, 6)], args=[2])
row('F.avgPool2d', [X(1, 2, 6, 6)], args=[2])
row('F.maxPool1d', [X(1, 2, 6)], args=[2])
row('F.avgPool1d', [X(1, 2, 6)], args=[2])
row('F.adaptiveAvgPool2d', [X(1, 2, 6, 6)], args=[[1, 1]])
row('F.adaptiveAvgPool2d', [X(1, 2, 6, 6)], args=[[4, 4]])
row('F.adaptiveMaxPool2d', [X(1, 2, 6, 6)], args=[[3, 3]])
row('F.adaptiveMaxPool2d', [X(1, 2, 6, 6)], args=[[4, 4]])
row('nn.MaxPool2d', [X(1, 2, 6, 6)], ctor=[2])

# Activations.
for fn in ('relu', 'relu6', 'leakyRelu', 'elu', 'gelu', 'silu', 'mish', 'softplus', 'logsigmoid',
           'hardtanh', 'sigmoid', 'tanh'):
    row('F.' + fn, [X(3, 4)])
row('F.gelu', [X(3, 4)], opts={'approximate': 'tanh'})
for fn in ('softmax', 'logSoftmax', 'softmin'):
    row('F.' + fn, [X(3, 4)], args=[1])
for layer in ('ReLU', 'Sigmoid', 'Tanh', 'GELU', 'LeakyReLU'):
    row('nn.' + layer, [X(3, 4)])
row('nn.Softmax', [X(3, 4)], ctor=[1])

# Normalisation, dropout, embedding.
row('nn.BatchNorm2d', [X(2, 3, 4, 4)], ctor=[3])
row('nn.BatchNorm1d', [X(4, 3)], ctor=[3])
row('nn.LayerNorm', [X(2, 3, 4)], ctor=[4])
row('nn.GroupNorm', [X(2, 4, 3)], ctor=[2, 4])
row('F.batchNorm', [X(2, 3, 4, 4), S([3]), S([3], 'rand')], opts={'training': True})
row('F.layerNorm', [X(2, 3, 4)], args=[[4]])
row('F.dropout', [X(3, 4)], args=[0.5])
row('nn.Dropout', [X(3, 4)])
row('nn.Embedding', [S([2, 3], 'classes:10')], ctor=[10, 4])
row('nn.Embedding', [S([3], 'classes:10')], ctor=[10, 4], ctor_opts={'paddingIdx': 0})

# Views and reductions.
row('method.split', [X(4, 2)], args=[2])
row('method.split', [X(4, 2)], args=[[1, 3]])
row('method.chunk', [X(4, 2)], args=[2])
row('method.unbind', [X(4, 2)])
row('method.unbind', [X(4, 2)], args=[1])
row('torch.stack', [X(2, 3), X(2, 3)])
row('torch.stack', [X(2, 3), X(2, 3)], args=[1])
row('torch.cat', [X(2, 3), X(2, 3)])
row('method.index', [X(4, 3)], args=[S([5], 'classes:4')])
row('method.index', [X(4, 3)], args=[1])
row('method.view', [X(3, 4)], args=[[12]])
row('method.reshape', [X(3, 4)], args=[[12]])
row('method.reshape', [S([3, 4], grad=True, t=True)], args=[[12]])
row('method.flatten', [X(3, 4)])
row('method.flatten', [X(2, 3, 4)], args=[1])
row('method.flatten', [S([3, 4], grad=True, t=True)])
row('nn.Flatten', [X(2, 3, 4)])
row('method.mean', [X(3, 4)])
row('method.mean', [X(3, 4)], args=[1])
row('method.sum', [X(3, 4)])
row('method.sum', [X(3, 4)], args=[1])
for op in ('add', 'sub', 'mul', 'div', 'pow'):
    row('method.' + op, [X(3, 4)], args=[2])

KINDS = {'randn': lambda s: torch.randn(s), 'rand': lambda s: torch.rand(s) * 0.9 + 0.05,
         'prob': lambda s: torch.softmax(torch.randn(s), -1 if len(s) < 2 else 1),
         'logprob': lambda s: torch.log_softmax(torch.randn(s), -1 if len(s) < 2 else 1)}


def make(spec):
    shape = spec['shape']
    kind = spec['kind']
    if spec['t']:
        t = make({**spec, 'shape': shape[::-1], 't': False, 'grad': False}).permute(*reversed(range(len(shape))))
    elif kind.startswith('classes:'):
        t = torch.randint(0, int(kind.split(':')[1]), shape)
    else:
        t = KINDS[kind](shape)
    return t.requires_grad_() if spec['grad'] else t


def snake(name):
    return re.sub(r'([A-Z])', lambda m: '_' + m.group(1).lower(), name)


def value(v):
    return make(v) if isinstance(v, dict) and 'kind' in v else (tuple(v) if isinstance(v, list) else v)


PY_NAMES = {'relu6': 'relu6', 'smoothL1Loss': 'smooth_l1_loss', 'l1Loss': 'l1_loss', 'conv2d': 'conv2d',
            'conv1d': 'conv1d', 'maxPool2d': 'max_pool2d', 'avgPool2d': 'avg_pool2d', 'maxPool1d': 'max_pool1d',
            'avgPool1d': 'avg_pool1d', 'adaptiveAvgPool2d': 'adaptive_avg_pool2d',
            'adaptiveMaxPool2d': 'adaptive_max_pool2d', 'logSoftmax': 'log_softmax', 'layerNorm': 'layer_norm',
            'batchNorm': 'batch_norm', 'leakyRelu': 'leaky_relu'}


def run(r):
    kind, name = r['call'].split('.')
    inputs = [make(s) for s in r['inputs']]
    args = [value(a) for a in r['args']]
    opts = {snake(k): value(v) for k, v in r['opts'].items()}
    if kind == 'F':
        fn = getattr(torch.sigmoid if name == 'sigmoid' else F, PY_NAMES.get(name, snake(name)), None)
        fn = {'sigmoid': torch.sigmoid, 'tanh': torch.tanh}.get(name, fn)
        return fn(*inputs, *args, **opts)
    if kind == 'nn':
        mod = getattr(nn, name)(*r['ctor'], **{snake(k): v for k, v in r['ctorOpts'].items()})
        return mod(*inputs)
    if name == 'index':
        return inputs[0][tuple(args)]
    if kind == 'torch':
        return getattr(torch, name)(inputs, *args, **opts)
    return getattr(inputs[0], name)(*args, **opts)


def main():
    torch.manual_seed(0)
    for r in ROWS:
        out = run(r)
        out = out[0] if isinstance(out, (list, tuple)) else out
        r['name'] = type(out.grad_fn).__name__ if out.grad_fn is not None else None
    mse = F.mse_loss(torch.tensor([1.0, 2.0, 3.0], requires_grad=True), torch.tensor([0.5, 4.0, 1.0]))
    data = {'torch': torch.__version__, 'rows': ROWS, 'printed': {'mseLoss': str(mse)}}
    with open(OUT, 'w') as f:
        json.dump(data, f, indent=1)
        f.write('\n')
    print(f'{len(ROWS)} rows -> {os.path.relpath(OUT, ROOT)}')


if __name__ == '__main__':
    main()

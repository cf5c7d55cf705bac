"""Writes packages/tensor/test/fixtures/torch_objects.json: how PyTorch 1.13 names and prints its
dtype objects and torch.Size, what `Tensor.type()` calls each dtype, tensors made with a dtype
object (their repr), and what `Tensor.data` shares. Run with /usr/bin/python3.
"""
import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'packages', 'tensor', 'test', 'fixtures', 'torch_objects.json')

ALIASES = ['float16', 'half', 'float32', 'float', 'float64', 'double', 'int64', 'long', 'int32', 'int', 'bool', 'uint8']

dtypes = []
for name in ALIASES:
    d = getattr(torch, name)
    dtypes.append({
        'name': name, 'str': str(d), 'repr': repr(d), 'canonical': str(d).removeprefix('torch.'),
        'isFloatingPoint': d.is_floating_point, 'isSigned': d.is_signed, 'isComplex': d.is_complex,
        'tensorType': torch.zeros(1, dtype=d).type(),
    })

# Each factory call as (Flambeau call written in JS, the PyTorch tensor): the test evaluates the first.
made = [
    ("torch.zeros(2, { dtype: torch.long })", torch.zeros(2, dtype=torch.long)),
    ("torch.ones([2, 2], { dtype: torch.double })", torch.ones([2, 2], dtype=torch.double)),
    ("torch.tensor([1, 2], { dtype: torch.float64 })", torch.tensor([1, 2], dtype=torch.float64)),
    ("torch.tensor([1.5, 2], { dtype: torch.int })", torch.tensor([1.5, 2], dtype=torch.int)),
    ("torch.arange(3, { dtype: torch.float })", torch.arange(3, dtype=torch.float)),
    ("torch.full([2], 7, { dtype: torch.double })", torch.full([2], 7, dtype=torch.double)),
    ("torch.tensor([0.5, 1.5]).to(torch.int32)", torch.tensor([0.5, 1.5]).to(torch.int32)),
    ("torch.tensor([0.5, 2]).type(torch.uint8)", torch.tensor([0.5, 2]).type(torch.uint8)),
    ("torch.tensor([0, 2]).type('torch.DoubleTensor')", torch.tensor([0, 2]).type('torch.DoubleTensor')),
    ("torch.tensor([1, 2]).to({ dtype: torch.bool })", torch.tensor([1, 2]).to(dtype=torch.bool)),
    ("torch.tensor([1, 2]).sum({ dtype: torch.float64 })", torch.tensor([1, 2]).sum(dtype=torch.float64)),
    ("torch.tensor([1, 2]).newZeros([2], { dtype: torch.float })", torch.tensor([1, 2]).new_zeros([2], dtype=torch.float)),
    ("torch.tensor([1, 2]).newFull([1, 2], 3)", torch.tensor([1, 2]).new_full([1, 2], 3)),
    ("torch.tensor([0.5]).newOnes([2])", torch.tensor([0.5]).new_ones([2])),
    ("torch.zerosLike(torch.tensor([1, 2]), { dtype: torch.float64 })", torch.zeros_like(torch.tensor([1, 2]), dtype=torch.float64)),
    ("torch.eye(2, { dtype: torch.long })", torch.eye(2, dtype=torch.long)),
    ("torch.tensor([1, 2]).softmax(0, torch.float64)", torch.tensor([1., 2.]).softmax(0, torch.float64)),
]
tensors = [{'call': call, 'repr': repr(t), 'dtype': str(t.dtype)} for call, t in made]

sizes = []
for shape in [[], [5], [2, 3], [1, 2, 3, 4], [0, 3]]:
    s = torch.zeros(shape).shape
    sizes.append({'shape': shape, 'str': str(s), 'numel': s.numel(), 'sizeStr': str(torch.zeros(shape).size())})

p = torch.ones(3, requires_grad=True)
d = p.data
before = p._version
d.add_(torch.tensor([1., 2., 3.]), alpha=-0.5)
data = {
    'dataRequiresGrad': d.requires_grad, 'dataIsLeaf': d.is_leaf, 'dataGradFn': d.grad_fn,
    'after': p.detach().tolist(), 'versionBefore': before, 'versionAfter': p._version,
    'pRequiresGrad': p.requires_grad,
}
q = torch.ones(2, requires_grad=True)
q.data = torch.zeros(3, dtype=torch.float64)
data['setShape'] = list(q.shape)
data['setDtype'] = str(q.dtype)
data['setRequiresGrad'] = q.requires_grad
errors = {}
try:
    q.data = 5
except TypeError as e:
    errors['setInt'] = str(e)
try:
    q.data = torch.zeros(3, dtype=torch.int64)
except RuntimeError as e:
    errors['setInteger'] = str(e)
try:
    torch.zeros(1).type('foo')
except ValueError as e:
    errors['badType'] = str(e)
# Single-signature factories: PyTorch's own wording, which the parser gives for every factory.
for call, fn in [('ones_like', lambda: torch.ones_like(torch.zeros(1), foo=1)), ('tensor', lambda: torch.tensor([1], foo=1)),
                 ('zeros_like', lambda: torch.zeros_like(torch.zeros(1), requires_grad=True, dtyp=torch.float))]:
    try:
        fn()
    except TypeError as e:
        errors[call] = str(e)
data['errors'] = errors

with open(OUT, 'w') as f:
    json.dump({'torch': torch.__version__, 'dtypes': dtypes, 'tensors': tensors, 'sizes': sizes, 'data': data}, f, indent=1)
    f.write('\n')

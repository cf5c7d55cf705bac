#!/usr/bin/python3
"""Generates the PyTorch fixtures of @flambeau/nn's core (modules, layers, losses, init, utils,
safetensors) into packages/nn/test/fixtures/.

Run with Debian's torch: /usr/bin/python3 tools/gen_nn_fixtures.py
When node is available it also checks that a Flambeau-written safetensors file parses here
(a one-off interoperability check; CI never runs Python).
"""
import json
import math
import os
import struct
import subprocess
import sys
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'packages', 'nn', 'test', 'fixtures')

DTYPES = {torch.float32: 'float32', torch.float64: 'float64', torch.int64: 'int64', torch.int32: 'int32',
          torch.bool: 'bool', torch.uint8: 'uint8'}


def T(t):
    """A tensor as JSON: shape, dtype and row-major data."""
    t = t.detach().cpu().contiguous()
    data = t.reshape(-1).tolist()
    if t.dtype == torch.bool:
        data = [1 if x else 0 for x in data]
    return {'shape': list(t.shape), 'dtype': DTYPES[t.dtype], 'data': data}


def SD(m):
    return {k: T(v) for k, v in m.state_dict().items()}


def write(name, obj):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(obj, f, separators=(',', ':'))
    print('wrote', name)


# ------------------------------------------------------------------ init: exact random streams

def gen_init():
    cases = {}
    torch.manual_seed(0)
    cases['linear_5_3'] = SD(nn.Linear(5, 3))
    torch.manual_seed(1)
    cases['linear_576_128_then_128_10'] = {k: T(v) for k, v in nn.Sequential(nn.Linear(576, 128), nn.Linear(128, 10)).state_dict().items() if k.endswith('bias')}
    torch.manual_seed(2)
    cases['linear_nobias_4_6'] = SD(nn.Linear(4, 6, bias=False))
    torch.manual_seed(3)
    cases['bilinear_3_4_2'] = SD(nn.Bilinear(3, 4, 2))
    torch.manual_seed(4)
    cases['embedding_10_3_pad0'] = SD(nn.Embedding(10, 3, padding_idx=0))

    fns = {}
    def run(name, shape, fn):
        torch.manual_seed(5)
        t = torch.empty(*shape)
        fn(t)
        fns[name] = T(t)
    run('uniform', (3, 4), lambda t: nn.init.uniform_(t, -2, 3))
    run('normal_small', (3, 4), lambda t: nn.init.normal_(t, 1, 2))
    run('normal_large', (5, 7), lambda t: nn.init.normal_(t, 1, 2))
    run('xavier_uniform', (4, 6), lambda t: nn.init.xavier_uniform_(t, gain=2))
    run('xavier_normal', (6, 5), nn.init.xavier_normal_)
    run('kaiming_uniform', (5, 3, 2, 2), nn.init.kaiming_uniform_)
    run('kaiming_normal_fan_out_relu', (5, 8), lambda t: nn.init.kaiming_normal_(t, mode='fan_out', nonlinearity='relu'))
    run('orthogonal_tall', (6, 4), nn.init.orthogonal_)
    run('orthogonal_wide', (3, 5), lambda t: nn.init.orthogonal_(t, gain=1.5))
    run('eye', (3, 4), nn.init.eye_)
    gains = {
        'linear': nn.init.calculate_gain('linear'), 'tanh': nn.init.calculate_gain('tanh'),
        'relu': nn.init.calculate_gain('relu'), 'leaky_relu': nn.init.calculate_gain('leaky_relu'),
        'leaky_relu_0.2': nn.init.calculate_gain('leaky_relu', 0.2), 'selu': nn.init.calculate_gain('selu'),
    }
    write('init.json', {'modules': cases, 'functions': fns, 'gains': gains})


# ------------------------------------------------------------------ layers: forward and gradients

def layer_case(name, make, inputs, grad_inputs=True):
    """Builds the layer in float64, runs it, and backpropagates a fixed random cotangent."""
    torch.manual_seed(10)
    m = make().double()
    xs = [x.clone().requires_grad_(grad_inputs and x.is_floating_point()) for x in inputs]
    y = m(*xs)
    g = torch.randn(y.shape, dtype=y.dtype)
    (y * g).sum().backward()
    return {
        'name': name, 'state': SD(m), 'inputs': [T(x) for x in inputs], 'output': T(y), 'gradOutput': T(g),
        'inputGrads': [T(x.grad) if x.grad is not None else None for x in xs],
        'paramGrads': {k: T(p.grad) for k, p in m.named_parameters() if p.grad is not None},
    }


def gen_layers():
    torch.manual_seed(100)
    r = lambda *s: torch.randn(*s, dtype=torch.float64)
    cases = [
        layer_case('Linear', lambda: nn.Linear(5, 3), [r(4, 5)]),
        layer_case('Linear_nobias_3d', lambda: nn.Linear(5, 3, bias=False), [r(2, 3, 5)]),
        layer_case('Bilinear', lambda: nn.Bilinear(3, 4, 2), [r(5, 3), r(5, 4)]),
        layer_case('Embedding_pad', lambda: nn.Embedding(10, 3, padding_idx=0), [torch.tensor([[1, 2, 0], [4, 0, 1]])]),
        layer_case('Flatten', lambda: nn.Flatten(), [r(2, 3, 2, 2)]),
        layer_case('Flatten_0_2', lambda: nn.Flatten(0, 2), [r(2, 3, 2, 2)]),
        layer_case('Unflatten', lambda: nn.Unflatten(1, (2, 3)), [r(4, 6)]),
        layer_case('Identity', lambda: nn.Identity(), [r(2, 3)]),
    ]
    x = r(3, 7) * 2
    x[0, 0] = 30.0  # softplus / elu large-input branches
    acts = {
        'ReLU': nn.ReLU(), 'ReLU6': nn.ReLU6(), 'LeakyReLU': nn.LeakyReLU(0.2), 'ELU': nn.ELU(0.5), 'GELU': nn.GELU(),
        'GELU_tanh': nn.GELU(approximate='tanh'), 'SiLU': nn.SiLU(), 'Mish': nn.Mish(), 'Sigmoid': nn.Sigmoid(),
        'Tanh': nn.Tanh(), 'Hardtanh': nn.Hardtanh(-0.5, 0.8), 'Softplus': nn.Softplus(), 'Softplus_beta2_th3': nn.Softplus(2, 3),
        'Softmax': nn.Softmax(dim=1), 'LogSoftmax': nn.LogSoftmax(dim=1), 'Softmax0': nn.Softmax(dim=0), 'LogSigmoid': nn.LogSigmoid(),
        'Softmin': nn.Softmin(dim=1),
    }
    for name, mod in acts.items():
        cases.append(layer_case(name, lambda mod=mod: mod, [x]))
    reprs = {name: repr(mod) for name, mod in acts.items()}

    # Embedding with max_norm renormalises the looked-up rows of its weight in place.
    torch.manual_seed(11)
    emb = nn.Embedding(6, 4, max_norm=1.0).double()
    before = SD(emb)
    idx = torch.tensor([1, 3, 3, 5])
    out = emb(idx)
    maxnorm = {'state': before, 'input': T(idx), 'output': T(out), 'weightAfter': T(emb.weight)}

    # Dropout draws its mask with bernoulli_ from the default generator.
    torch.manual_seed(0)
    d1 = F.dropout(torch.ones(4, 8), 0.3)
    torch.manual_seed(0)
    d2 = nn.Dropout(0.5)(torch.arange(1.0, 21.0).reshape(4, 5))
    dropout = {'p03_ones_4x8': T(d1), 'p05_arange_4x5': T(d2)}
    write('layers.json', {'cases': cases, 'activationReprs': reprs, 'embeddingMaxNorm': maxnorm, 'dropout': dropout})


# ------------------------------------------------------------------ losses

def loss_case(name, fn, inputs, target, grad=True, **kw):
    x = inputs.clone().requires_grad_(grad)
    y = fn(x, target, **kw)
    g = torch.randn(y.shape, dtype=y.dtype) if y.ndim > 0 else torch.tensor(1.0, dtype=y.dtype)
    if grad:
        (y * g).sum().backward()
    opts = {}
    for k, v in kw.items():
        opts[k] = T(v) if isinstance(v, torch.Tensor) else v
    return {'name': name, 'fn': fn.__name__, 'input': T(inputs), 'target': T(target), 'opts': opts, 'output': T(y),
            'gradOutput': T(g), 'inputGrad': T(x.grad) if grad else None}


def gen_losses():
    torch.manual_seed(200)
    r = lambda *s: torch.randn(*s, dtype=torch.float64)
    cases = []
    a, b = r(4, 3), r(4, 3)
    for red in ['mean', 'sum', 'none']:
        cases.append(loss_case(f'mse_{red}', F.mse_loss, a, b, reduction=red))
        cases.append(loss_case(f'l1_{red}', F.l1_loss, a, b, reduction=red))
    cases.append(loss_case('smooth_l1', F.smooth_l1_loss, a, b))
    cases.append(loss_case('smooth_l1_beta05_sum', F.smooth_l1_loss, a, b, reduction='sum', beta=0.5))
    cases.append(loss_case('huber_delta07', F.huber_loss, a, b, delta=0.7))

    logits = r(6, 5)
    tgt = torch.tensor([1, 0, 4, 2, 2, 3])
    w = torch.rand(5, dtype=torch.float64) + 0.5
    for red in ['mean', 'sum', 'none']:
        cases.append(loss_case(f'ce_{red}', F.cross_entropy, logits, tgt, reduction=red))
        cases.append(loss_case(f'ce_weight_{red}', F.cross_entropy, logits, tgt, weight=w, reduction=red))
        cases.append(loss_case(f'ce_ignore2_smooth_{red}', F.cross_entropy, logits, tgt, ignore_index=2, label_smoothing=0.1, reduction=red))
        cases.append(loss_case(f'ce_ignore2_weight_smooth_{red}', F.cross_entropy, logits, tgt, weight=w, ignore_index=2, label_smoothing=0.2, reduction=red))
        probs = torch.softmax(r(6, 5), 1)
        cases.append(loss_case(f'ce_probs_{red}', F.cross_entropy, logits, probs, reduction=red))
        cases.append(loss_case(f'ce_probs_weight_smooth_{red}', F.cross_entropy, logits, probs, weight=w, label_smoothing=0.3, reduction=red))
    tgt_ign = torch.tensor([1, -100, 4, 2, -100, 3])
    cases.append(loss_case('ce_ignore_default', F.cross_entropy, logits, tgt_ign))
    cases.append(loss_case('ce_1d', F.cross_entropy, r(5), torch.tensor(3)))
    cases.append(loss_case('ce_spatial', F.cross_entropy, r(2, 4, 3, 2), torch.randint(0, 4, (2, 3, 2)), weight=torch.rand(4, dtype=torch.float64)))
    logp = torch.log_softmax(logits, 1)
    cases.append(loss_case('nll_weight_mean', F.nll_loss, logp, tgt, weight=w))
    cases.append(loss_case('nll_ignore_sum', F.nll_loss, logp, tgt, ignore_index=0, reduction='sum'))

    p = torch.rand(4, 3, dtype=torch.float64) * 0.98 + 0.01
    y = (torch.rand(4, 3, dtype=torch.float64) > 0.5).double()
    yw = torch.rand(4, 3, dtype=torch.float64)
    cases.append(loss_case('bce', F.binary_cross_entropy, p, y))
    cases.append(loss_case('bce_weight_sum', F.binary_cross_entropy, p, yw, weight=torch.rand(3, dtype=torch.float64), reduction='sum'))
    cases.append(loss_case('bce_none', F.binary_cross_entropy, p, y, reduction='none'))
    z = r(4, 3) * 3
    cases.append(loss_case('bce_logits', F.binary_cross_entropy_with_logits, z, y))
    cases.append(loss_case('bce_logits_posweight', F.binary_cross_entropy_with_logits, z, yw, pos_weight=torch.rand(3, dtype=torch.float64) * 3, weight=torch.rand(4, 1, dtype=torch.float64)))
    q = torch.log_softmax(r(4, 5), 1)
    t = torch.softmax(r(4, 5), 1)
    t[0, 1] = 0.0
    cases.append(loss_case('kl_batchmean', F.kl_div, q, t, reduction='batchmean'))
    cases.append(loss_case('kl_sum', F.kl_div, q, t, reduction='sum'))
    cases.append(loss_case('kl_logtarget_none', F.kl_div, q, torch.log_softmax(r(4, 5), 1), reduction='none', log_target=True))
    write('losses.json', {'cases': cases})


# ------------------------------------------------------------------ module machinery: printing, state dicts, errors

class Inner(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv_like = nn.Linear(4, 4)
        self.act = nn.ReLU()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(0.25), nn.Sequential(nn.Linear(16, 16), nn.GELU()))
        self.blocks = nn.ModuleList([Inner(), Inner()])
        self.heads = nn.ModuleDict({'cls': nn.Linear(16, 10), 'box': nn.Linear(16, 4, bias=False)})
        self.emb = nn.Embedding(10, 3, padding_idx=0)
        self.flat = nn.Flatten()
        self.loss = nn.CrossEntropyLoss()


def error_of(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - we record PyTorch's message whatever its class
        return {'type': type(e).__name__, 'message': str(e)}
    return None


def gen_module():
    torch.manual_seed(300)
    net = Net()
    seq = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 2))
    tiny = nn.Sequential()

    class Small(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 10)

    small = Small()
    bad = {'fc.weight': torch.zeros(10, 5)}
    errors = {
        'load_missing_and_size': error_of(lambda: small.load_state_dict(bad)),
        'load_unexpected': error_of(lambda: small.load_state_dict({'fc.weight': torch.zeros(10, 4), 'fc.bias': torch.zeros(10), 'extra.w': torch.zeros(1)})),
        'load_nonstrict_size': error_of(lambda: small.load_state_dict(bad, strict=False)),
        'linear_in_features': error_of(lambda: nn.Linear(576, 128)(torch.zeros(64, 1024))),
        'linear_in_features_3d': error_of(lambda: nn.Linear(576, 128)(torch.zeros(2, 3, 1024))),
        'ce_target_oob': error_of(lambda: F.cross_entropy(torch.zeros(3, 10), torch.tensor([1, 10, 2]))),
        'ce_batch_mismatch': error_of(lambda: F.cross_entropy(torch.zeros(3, 10), torch.tensor([1, 2]))),
        'bce_size': error_of(lambda: F.binary_cross_entropy(torch.rand(3, 2), torch.rand(3))),
        'dropout_p': error_of(lambda: F.dropout(torch.zeros(2), 1.5)),
        'embedding_oob': error_of(lambda: nn.Embedding(5, 2)(torch.tensor([5]))),
    }
    nonstrict = small.load_state_dict({'fc.weight': torch.zeros(10, 4), 'extra': torch.zeros(1)}, strict=False)
    class Yk(nn.Module):  # docs/API-EXAMPLE.md's CIFAR-10 network (seed 002)
        def __init__(self):
            super().__init__()
            self.model1 = nn.Sequential(nn.Conv2d(3, 32, 5, padding=2), nn.MaxPool2d(2), nn.Conv2d(32, 32, 5, padding=2),
                                        nn.MaxPool2d(2), nn.Conv2d(32, 64, 5, padding=2), nn.MaxPool2d(2),
                                        nn.Flatten(), nn.Linear(1024, 64), nn.Linear(64, 10))

    write('module.json', {
        'ykRepr': repr(Yk()),
        'netRepr': repr(net),
        'netStateKeys': list(net.state_dict().keys()),
        'netNamedParameters': [k for k, _ in net.named_parameters()],
        'netNamedModules': [k for k, _ in net.named_modules()],
        'netParamCount': sum(p.numel() for p in net.parameters()),
        'seqRepr': repr(seq), 'emptySeqRepr': repr(tiny),
        'seqSliceRepr': repr(seq[1:]),
        'embReprs': [repr(nn.Embedding(10, 3, padding_idx=0, max_norm=1.0)), repr(nn.Embedding(4, 2, max_norm=2.5, norm_type=1.0))],
        'otherReprs': [repr(nn.Unflatten(1, (2, 5))), repr(nn.Softmax()), repr(nn.Dropout()), repr(nn.Bilinear(2, 3, 4, bias=False)),
                       repr(nn.ReLU(inplace=True)), repr(nn.LeakyReLU(0.2, True)), repr(nn.MSELoss()), repr(nn.Hardtanh(-2.0, 2.5))],
        'errors': errors,
        'nonstrict': {'missingKeys': nonstrict.missing_keys, 'unexpectedKeys': nonstrict.unexpected_keys},
    })


# ------------------------------------------------------------------ utils

def gen_utils():
    torch.manual_seed(400)
    out = {}
    for name, norm_type, max_norm in [('l2', 2.0, 1.0), ('inf', math.inf, 0.5), ('l1', 1.0, 100.0)]:
        ps = [torch.randn(3, 4, dtype=torch.float64, requires_grad=True), torch.randn(5, dtype=torch.float64, requires_grad=True)]
        for p in ps:
            p.grad = torch.randn_like(p) * 3
        grads = [T(p.grad) for p in ps]
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
        out[name] = {'normType': 'inf' if norm_type == math.inf else norm_type, 'maxNorm': max_norm, 'grads': grads,
                     'total': total.item(), 'clipped': [T(p.grad) for p in ps]}
    ps = [torch.randn(2, 3, dtype=torch.float64, requires_grad=True)]
    ps[0].grad = torch.randn(2, 3, dtype=torch.float64) * 2
    g0 = T(ps[0].grad)
    torch.nn.utils.clip_grad_value_(ps, 0.7)
    out['value'] = {'grad': g0, 'clipped': T(ps[0].grad)}
    write('utils.json', out)


# ------------------------------------------------------------------ safetensors

ST = {torch.float32: ('F32', '<f'), torch.float64: ('F64', '<d'), torch.int32: ('I32', '<i'), torch.int64: ('I64', '<q'),
      torch.bool: ('BOOL', '<?'), torch.uint8: ('U8', '<B')}


def write_safetensors(path, tensors, metadata=None):
    """A minimal safetensors writer (python3-safetensors is not packaged in Debian)."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header['__metadata__'] = metadata
    for name, t in tensors.items():
        code, fmt = ST[t.dtype]
        vals = t.contiguous().reshape(-1).tolist()
        blob = struct.pack('<%d%s' % (len(vals), fmt[1]), *vals)
        header[name] = {'dtype': code, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    out = {}
    rev = {v[0]: (k, v[1]) for k, v in ST.items()}
    for name, e in header.items():
        if name == '__metadata__':
            continue
        dtype, fmt = rev[e['dtype']]
        b, end = e['data_offsets']
        count = (end - b) // struct.calcsize(fmt)
        vals = struct.unpack('<%d%s' % (count, fmt[1]), data[b:end])
        out[name] = torch.tensor(vals, dtype=dtype).reshape(e['shape'])
    return header, out


def gen_safetensors():
    torch.manual_seed(500)
    tensors = {
        'fc.weight': torch.randn(3, 4),
        'fc.bias': torch.randn(3),
        'bn.running_mean': torch.randn(3, dtype=torch.float64),
        'bn.num_batches_tracked': torch.tensor(7),
        'ids': torch.tensor([[1, -2], [2 ** 40, 3]], dtype=torch.int64),
        'i32': torch.tensor([-5, 6], dtype=torch.int32),
        'mask': torch.tensor([True, False, True]),
        'bytes': torch.tensor([0, 255, 7], dtype=torch.uint8),
        'scalar': torch.tensor(2.5),
    }
    write_safetensors(os.path.join(OUT, 'torch_written.safetensors'), tensors, {'format': 'pt'})
    write('safetensors.json', {k: T(v) for k, v in tensors.items()})


def check_flambeau_written():
    """Writes a file with Flambeau (node + tsx) and parses it here; skipped when node is absent."""
    script = os.path.join(tempfile.mkdtemp(), 'w.mts')
    target = os.path.join(os.path.dirname(script), 'flambeau.safetensors')
    with open(script, 'w') as f:
        src = lambda pkg: json.dumps('file://' + os.path.join(ROOT, 'packages', pkg, 'src', 'index.ts'))
        f.write(f"import * as nn from {src('nn')};\nimport {{ tensor }} from {src('tensor')};\n"
                "const lin = new nn.Linear(3, 2);\n"
                f"nn.save({{ ...lin.stateDict(), n: tensor([1, 2], {{ dtype: 'int64' }}), m: tensor([true, false]) }}, {json.dumps(target)});\n"
                "console.log(JSON.stringify(Object.fromEntries(Object.entries(lin.stateDict()).map(([k, v]) => [k, Array.from(v.dataSync())]))));\n")
    try:
        res = subprocess.run(['node', '--conditions=@flambeau/source', '--import', 'tsx', script], cwd=os.path.join(ROOT, 'packages', 'nn'),
                             capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        print('skipped the Flambeau-written safetensors check:', e)
        return
    if res.returncode != 0:
        print('Flambeau-written safetensors check could not run:', res.stderr[-2000:])
        return
    expected = json.loads(res.stdout.strip().splitlines()[-1])
    header, got = read_safetensors(target)
    assert list(k for k in header if k != '__metadata__') == ['weight', 'bias', 'n', 'm'], header
    for k, v in expected.items():
        assert torch.equal(got[k].reshape(-1).double(), torch.tensor(v, dtype=torch.float32).double()), k
    assert got['n'].tolist() == [1, 2] and got['m'].tolist() == [True, False]
    print('Flambeau-written safetensors parses in Python: OK')


if __name__ == '__main__':
    torch.set_printoptions(precision=4)
    gen_init()
    gen_layers()
    gen_losses()
    gen_module()
    gen_utils()
    gen_safetensors()
    if '--no-interop' not in sys.argv:
        check_flambeau_written()

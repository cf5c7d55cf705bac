#!/usr/bin/python3
"""Golden values for @flambeau/nn recurrent and attention layers, from PyTorch 1.13.

Writes packages/nn/test/fixtures/rnn.json and transformer.json. Each case holds the module's
constructor arguments, its printout, state_dict (explicit weights), inputs, outputs, and the
gradients of loss = sum_i (outputs[i] * gradOut[i]).sum() w.r.t. every parameter and every
floating input. Modules run in eval mode so dropout is off. `init` cases record the state_dict
PyTorch's default initialisation produces after torch.manual_seed(seed).

Run: /usr/bin/python3 tools/gen_rnn_fixtures.py
"""
import json
import os
import warnings

import torch
import torch.nn as nn

warnings.filterwarnings('ignore')
OUT = os.path.join(os.path.dirname(__file__), '..', 'packages', 'nn', 'test', 'fixtures')


def t2j(t):
    if t is None:
        return None
    t = t.detach()
    dtype = {torch.float32: 'float32', torch.float64: 'float64', torch.bool: 'bool', torch.int64: 'int64'}[t.dtype]
    data = t.reshape(-1).tolist()
    if t.dtype == torch.bool:
        data = [1 if x else 0 for x in data]
    elif t.dtype == torch.float32:
        # 9 significant digits round-trip a float32 exactly.
        data = [float('%.9g' % x) for x in data]
    # JSON has no infinities: the tests read these strings back as numbers.
    data = [x if x == x and abs(x) != float('inf') else str(x) for x in data]
    return {'shape': list(t.shape), 'dtype': dtype, 'data': data}


def flatten(out):
    if isinstance(out, torch.Tensor):
        return [out]
    if out is None:
        return []
    res = []
    for o in out:
        res += flatten(o)
    return res


def camel(d):
    def c(k):
        parts = k.split('_')
        return parts[0] + ''.join(p.title() for p in parts[1:])
    return {c(k): v for k, v in d.items()}


def randomise(m, scale=0.4):
    """Explicit, non-default weights (LayerNorm affine and clones included) so every parameter matters."""
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.randn_like(p) * scale)


def run_case(name, ctor, args, opts, inputs, call_opts=None, build=None, randomise_scale=0.4, train_seed=None):
    """ctor(*args, **opts) builds the module; inputs is a list of tensors/None/tuples passed positionally.
    With train_seed the forward runs in training mode right after torch.manual_seed(train_seed), so
    dropout masks are PyTorch's CPU draws."""
    m = build() if build else ctor(*args, **opts)
    randomise(m, randomise_scale)
    m.eval() if train_seed is None else m.train()
    leaves = []

    def prep(x):
        if isinstance(x, torch.Tensor) and x.is_floating_point():
            x = x.clone().requires_grad_(True)
            leaves.append(x)
            return x
        if isinstance(x, tuple):
            return tuple(prep(y) for y in x)
        if isinstance(x, torch.Tensor):
            leaves.append(None)
        return x

    ins = [prep(x) for x in inputs]
    kw = dict(call_opts or {})
    if train_seed is not None:
        torch.manual_seed(train_seed)
    results = backward_results(m, m(*ins, **kw), kw)

    def enc_in(x):
        if isinstance(x, tuple):
            return [enc_in(y) for y in x]
        return t2j(x)

    return {
        **module_fields(name, m, args, opts, trainSeed=train_seed),
        'inputs': [enc_in(x) for x in inputs],
        **results,
        'inputGrads': [t2j(x.grad) if x is not None else None for x in flatten_leaves(ins)],
    }


def module_fields(name, m, args, opts, **extra):
    """What every case records of its module; `extra` goes between the options and the printout."""
    return {
        'name': name,
        'kind': type(m).__name__,
        'args': list(args),
        'opts': camel(opts),
        **extra,
        'repr': repr(m),
        'state': {k: t2j(v) for k, v in m.state_dict().items()},
    }


def backward_results(m, out, kw):
    """Backpropagates loss = sum_i (outputs[i] * gradOut[i]).sum() with random gradOut; records the call and the grads."""
    outs = flatten(out)
    gouts = [torch.randn_like(o) for o in outs]
    sum((o * g).sum() for o, g in zip(outs, gouts)).backward()
    return {
        'callOpts': {k: (t2j(v) if isinstance(v, torch.Tensor) else v) for k, v in camel(kw).items()},
        'outputs': [t2j(o) for o in outs],
        'gradOutputs': [t2j(g) for g in gouts],
        'paramGrads': {k: t2j(p.grad) for k, p in m.named_parameters()},
    }


def flatten_leaves(ins):
    res = []
    for x in ins:
        if isinstance(x, tuple):
            res += flatten_leaves(x)
        elif isinstance(x, torch.Tensor) and x.is_floating_point():
            res.append(x)
    return res


def init_case(name, ctor, args, opts, seed=0):
    torch.manual_seed(seed)
    return module_fields(name, ctor(*args, **opts), args, opts, seed=seed)


def rnn_fixtures():
    torch.manual_seed(1234)
    r = torch.randn
    cases = []
    # name, class, args, opts, inputs
    specs = [
        ('rnn_tanh', nn.RNN, (3, 4), {}, [r(5, 2, 3)]),
        ('rnn_relu_h0_2layers', nn.RNN, (3, 4), {'nonlinearity': 'relu', 'num_layers': 2}, [r(4, 2, 3), r(2, 2, 4)]),
        ('rnn_bidir_batch_first_nobias', nn.RNN, (3, 4), {'bidirectional': True, 'batch_first': True, 'bias': False}, [r(2, 4, 3)]),
        ('rnn_unbatched', nn.RNN, (3, 4), {}, [r(4, 3), r(1, 4)]),
        ('lstm', nn.LSTM, (3, 4), {}, [r(5, 2, 3)]),
        ('lstm_2layers_bidir_h0', nn.LSTM, (3, 4), {'num_layers': 2, 'bidirectional': True}, [r(4, 3, 3), (r(4, 3, 4), r(4, 3, 4))]),
        ('lstm_batch_first_dropout_eval', nn.LSTM, (3, 4), {'num_layers': 2, 'batch_first': True, 'dropout': 0.5}, [r(2, 3, 3)]),
        ('lstm_proj', nn.LSTM, (3, 4), {'proj_size': 2, 'num_layers': 2, 'bidirectional': True}, [r(3, 2, 3)]),
        ('lstm_unbatched', nn.LSTM, (3, 4), {'bidirectional': True}, [r(3, 3), (r(2, 4), r(2, 4))]),
        ('gru', nn.GRU, (3, 4), {}, [r(5, 2, 3)]),
        ('gru_2layers_bidir_batch_first', nn.GRU, (3, 4), {'num_layers': 2, 'bidirectional': True, 'batch_first': True}, [r(2, 4, 3), r(4, 2, 4)]),
        ('gru_unbatched_nobias', nn.GRU, (3, 4), {'bias': False}, [r(4, 3)]),
        ('rnncell', nn.RNNCell, (3, 4), {}, [r(2, 3), r(2, 4)]),
        ('rnncell_relu_nohx', nn.RNNCell, (3, 4), {'nonlinearity': 'relu'}, [r(2, 3)]),
        ('lstmcell', nn.LSTMCell, (3, 4), {}, [r(2, 3), (r(2, 4), r(2, 4))]),
        ('lstmcell_unbatched_nobias', nn.LSTMCell, (3, 4), {'bias': False}, [r(3)]),
        ('grucell', nn.GRUCell, (3, 4), {}, [r(2, 3), r(2, 4)]),
        ('grucell_unbatched', nn.GRUCell, (3, 4), {}, [r(3), r(4)]),
    ]
    for name, cls, args, opts, inputs in specs:
        cases.append(run_case(name, cls, args, opts, inputs))
    cases.append(run_case('lstm_train_dropout_seeded', nn.LSTM, (3, 4), {'num_layers': 3, 'dropout': 0.4, 'bidirectional': True},
                          [r(4, 2, 3)], train_seed=11))
    inits = [
        init_case('init_lstm', nn.LSTM, (3, 4), {'num_layers': 2, 'bidirectional': True}),
        init_case('init_gru', nn.GRU, (2, 3), {}, seed=7),
        init_case('init_rnn', nn.RNN, (2, 3), {'bias': False}, seed=3),
        init_case('init_lstmcell', nn.LSTMCell, (2, 3), {}, seed=5),
    ]
    reprs = {
        'LSTM(10, 20, num_layers=2, batch_first=True)': repr(nn.LSTM(10, 20, num_layers=2, batch_first=True)),
    }
    return {'cases': cases, 'inits': inits, 'reprs': reprs}


def transformer_fixtures():
    torch.manual_seed(4321)
    r = torch.randn
    E, H = 4, 2
    cases = []
    x = r(3, 2, E)
    causal = nn.Transformer.generate_square_subsequent_mask(3)
    kpm = torch.tensor([[False, False, True], [False, False, False]])
    # MultiheadAttention: self-attention (one tensor for q, k, v keeps PyTorch on its packed path)
    m_specs = [
        ('mha_self', (E, H), {}, [x, x, x], {}),
        ('mha_self_masks', (E, H), {}, [x, x, x], {'attn_mask': causal, 'key_padding_mask': kpm}),
        ('mha_cross_bool_mask_per_head', (E, H), {}, [r(2, 2, E), r(3, 2, E), r(3, 2, E)],
         {'attn_mask': torch.tensor([[False, True, False], [False, False, True]]).repeat(4, 1, 1).reshape(4, 2, 3),
          'average_attn_weights': False}),
        ('mha_kdim_vdim_batch_first', (E, H), {'kdim': 3, 'vdim': 5, 'batch_first': True},
         [r(2, 2, E), r(2, 3, 3), r(2, 3, 5)], {'key_padding_mask': torch.tensor([[0., 0., float('-inf')], [0., 0., 0.]])}),
        ('mha_unbatched_nobias', (E, H), {'bias': False}, [r(3, E), r(2, E), r(2, E)], {'attn_mask': torch.randn(3, 2)}),
        ('mha_bias_kv_zero_attn', (E, H), {'add_bias_kv': True, 'add_zero_attn': True}, [r(2, 2, E), r(3, 2, E), r(3, 2, E)],
         {'key_padding_mask': torch.tensor([[False, True, False], [False] * 3]), 'attn_mask': causal[:2]}),
        ('mha_no_weights', (E, 1), {}, [r(2, 1, E), r(2, 1, E), r(2, 1, E)], {'need_weights': False}),
    ]
    for name, args, opts, inputs, kw in m_specs:
        if inputs[0] is inputs[1]:
            # Keep q, k, v the same leaf so the case stays self-attention under autograd.
            cases.append(self_attn_case(name, args, opts, inputs[0], kw))
        else:
            cases.append(run_case(name, nn.MultiheadAttention, args, opts, inputs, kw))

    enc_specs = [
        ('enc_layer', (E, H, 6), {}, [r(3, 2, E)], {'src_mask': causal}),
        ('enc_layer_gelu_normfirst_bf', (E, H, 6), {'activation': 'gelu', 'norm_first': True, 'batch_first': True},
         [r(2, 3, E)], {'src_key_padding_mask': kpm}),
        ('enc_layer_unbatched', (E, H, 6), {'layer_norm_eps': 1e-3}, [r(3, E)], {}),
    ]
    for name, args, opts, inputs, kw in enc_specs:
        cases.append(run_case(name, nn.TransformerEncoderLayer, args, opts, inputs, kw))
    cases.append(run_case('enc_layer_train_dropout_seeded', nn.TransformerEncoderLayer, (E, H, 6), {'dropout': 0.3},
                          [r(3, 2, E)], {'src_key_padding_mask': kpm}, train_seed=5))
    cases.append(run_case('mha_train_dropout_seeded', nn.MultiheadAttention, (E, H), {'dropout': 0.5},
                          [r(3, 2, E), r(3, 2, E), r(3, 2, E)], {}, train_seed=6))
    dec_specs = [
        ('dec_layer', (E, H, 6), {}, [r(3, 2, E), r(4, 2, E)], {'tgt_mask': causal, 'memory_key_padding_mask': torch.tensor([[False, False, False, True], [False] * 4])}),
        ('dec_layer_normfirst_bf', (E, H, 6), {'norm_first': True, 'batch_first': True, 'activation': 'gelu'}, [r(2, 3, E), r(2, 2, E)], {'tgt_key_padding_mask': kpm}),
    ]
    for name, args, opts, inputs, kw in dec_specs:
        cases.append(run_case(name, nn.TransformerDecoderLayer, args, opts, inputs, kw))

    def encoder():
        return nn.TransformerEncoder(nn.TransformerEncoderLayer(E, H, 6), 2, nn.LayerNorm(E))
    cases.append(run_case('encoder_2layers_norm', None, [], {}, [r(3, 2, E)], {'mask': causal}, build=encoder))

    def decoder():
        return nn.TransformerDecoder(nn.TransformerDecoderLayer(E, H, 6, batch_first=True), 2)
    cases.append(run_case('decoder_2layers', None, [], {}, [r(2, 3, E), r(2, 4, E)], {'tgt_mask': causal}, build=decoder))

    tf_opts = {'num_encoder_layers': 1, 'num_decoder_layers': 2, 'dim_feedforward': 6}
    cases.append(run_case('transformer', nn.Transformer, (E, H), tf_opts, [r(4, 2, E), r(3, 2, E)],
                          {'tgt_mask': causal, 'src_key_padding_mask': torch.tensor([[False, False, False, True], [False] * 4])}))

    inits = [
        init_case('init_mha', nn.MultiheadAttention, (E, H), {}, seed=0),
        init_case('init_mha_bias_kv', nn.MultiheadAttention, (E, H), {'add_bias_kv': True}, seed=4),
        init_case('init_mha_kdim', nn.MultiheadAttention, (E, H), {'kdim': 3, 'vdim': 5}, seed=1),
        init_case('init_enc_layer', nn.TransformerEncoderLayer, (E, H, 6), {}, seed=2),
        init_case('init_transformer', nn.Transformer, (E, H), tf_opts, seed=3),
    ]

    # Inference fast path: PyTorch packs a left-aligned padded batch into a nested tensor, and the
    # padded positions come back as zeros (before the final norm).
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(E, H, 6, batch_first=True), 2, nn.LayerNorm(E))
    randomise(enc)
    enc.eval()
    xs = r(2, 3, E)
    nested = {'state': {k: t2j(v) for k, v in enc.state_dict().items()}, 'input': t2j(xs), 'runs': []}
    for kpm_ in [kpm, torch.tensor([[True, False, False], [False, False, False]])]:
        with torch.no_grad():
            no_grad = enc(xs, src_key_padding_mask=kpm_)
        nested['runs'].append({'mask': t2j(kpm_), 'noGrad': t2j(no_grad), 'withGrad': t2j(enc(xs, src_key_padding_mask=kpm_))})
    return {
        'cases': cases,
        'inits': inits,
        'nestedFastPath': nested,
        'squareSubsequentMask3': t2j(nn.Transformer.generate_square_subsequent_mask(3)),
    }


def self_attn_case(name, args, opts, x, kw):
    m = nn.MultiheadAttention(*args, **opts)
    randomise(m)
    m.eval()
    xl = x.clone().requires_grad_(True)
    results = backward_results(m, m(xl, xl, xl, **kw), kw)
    return {
        'name': name,
        'kind': 'MultiheadAttention',
        'selfAttention': True,
        'trainSeed': None,
        'args': list(args),
        'opts': camel(opts),
        'repr': repr(m),
        'state': {k: t2j(v) for k, v in m.state_dict().items()},
        'inputs': [t2j(x)],
        **results,
        'inputGrads': [t2j(xl.grad)],
    }


def dump(obj, fname):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, fname), 'w') as f:
        json.dump(obj, f, separators=(',', ':'), allow_nan=False)
    print('wrote', fname)


if __name__ == '__main__':
    dump(rnn_fixtures(), 'rnn.json')
    dump(transformer_fixtures(), 'transformer.json')

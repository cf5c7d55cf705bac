"""Writes packages/nn/test/fixtures/safetensors_hostile.json: malformed and edge-case safetensors
files with the verdict of the reference reader (huggingface/safetensors, Rust, via its Python
binding `safetensors._safetensors_rust.deserialize`).

Each case: name, file bytes (base64), and either `ok` with the tensors the reference returns
(name, dtype, shape, data as base64) or `error` with the reference's message. Run with a Python
that has the `safetensors` wheel (e.g. a venv: `python3 -m venv v && v/bin/pip install safetensors`).
"""
import base64
import json
import os
import struct

import safetensors
from safetensors import _safetensors_rust as ref

OUT = os.path.join(os.path.dirname(__file__), '..', 'packages', 'nn', 'test', 'fixtures', 'safetensors_hostile.json')


def f32(n):
    return struct.pack('<%df' % n, *[i + 0.5 for i in range(n)])


def entry(dtype, shape, b, e):
    return {'dtype': dtype, 'shape': shape, 'data_offsets': [b, e]}


def text(obj):
    return json.dumps(obj, separators=(',', ':'))


# (name, header bytes or str, data bytes, explicit length prefix or None)
CASES = [
    ('valid: one tensor', text({'w': entry('F32', [2], 0, 8)}), f32(2)),
    ('valid: empty header', '{}', b''),
    ('valid: metadata', text({'__metadata__': {'format': 'pt', 'epoch': '3'}, 'w': entry('F32', [2], 0, 8)}), f32(2)),
    ('valid: metadata null', '{"__metadata__":null}', b''),
    ('valid: zero-size tensors share an offset', text({'a': entry('F32', [0], 0, 0), 'b': entry('F32', [0, 3], 0, 0), 'c': entry('F32', [1], 0, 4)}), f32(1)),
    ('valid: entries out of order', text({'b': entry('F32', [1], 4, 8), 'a': entry('F32', [1], 0, 4)}), f32(2)),
    ('valid: leading whitespace', ' ' + text({'w': entry('F32', [1], 0, 4)}), f32(1)),
    ('valid: padded with spaces', text({'w': entry('F32', [1], 0, 4)}) + '    ', f32(1)),
    ('valid: unknown field in an entry', '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":[1,{"x":null}]}}', f32(1)),
    ('valid: a tensor named __proto__', text({'__proto__': entry('F32', [1], 0, 4), 'constructor': entry('F32', [1], 4, 8)}), f32(2)),
    ('valid: unicode and escaped names', '{"caf\\u00e9.w\\n":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"\u00fc\U0001F600":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', f32(2)),
    ('valid: scalar', text({'s': entry('F64', [], 0, 8)}), struct.pack('<d', 2.5)),
    ('valid: every loadable dtype', text({
        'a': entry('F64', [1], 0, 8), 'b': entry('I64', [1], 8, 16), 'c': entry('U64', [1], 16, 24), 'd': entry('F32', [1], 24, 28),
        'e': entry('I32', [1], 28, 32), 'f': entry('U32', [1], 32, 36), 'g': entry('F16', [1], 36, 38), 'h': entry('BF16', [1], 38, 40),
        'i': entry('I16', [1], 40, 42), 'j': entry('U16', [1], 42, 44), 'k': entry('I8', [1], 44, 45), 'l': entry('U8', [1], 45, 46),
        'm': entry('BOOL', [1], 46, 47)}),
     struct.pack('<dqQfiIHHhHbBB', -1.5, -7, 9, 0.25, -3, 4000000000, 0x3c00, 0x4040, -300, 65535, -128, 255, 1)),
    ('overlapping data_offsets', text({'a': entry('F32', [2], 0, 8), 'b': entry('F32', [2], 4, 12)}), f32(3)),
    ('aliased data_offsets', text({'a': entry('F32', [2], 0, 8), 'b': entry('F32', [2], 0, 8)}), f32(2)),
    ('gap between tensors', text({'a': entry('F32', [1], 0, 4), 'b': entry('F32', [1], 8, 12)}), f32(3)),
    ('data not starting at 0', text({'a': entry('F32', [1], 4, 8)}), f32(2)),
    ('trailing bytes', text({'a': entry('F32', [2], 0, 8)}), f32(3)),
    ('truncated data', text({'a': entry('F32', [2], 0, 8)}), f32(1)),
    ('end before begin', text({'a': entry('F32', [0], 8, 0)}), f32(2)),
    ('shape and offsets disagree', text({'a': entry('F32', [3], 0, 8)}), f32(2)),
    ('fractional offset', '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8.0]}}', f32(2)),
    ('exponent offset', '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8e0]}}', f32(2)),
    ('string offset', '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,"8"]}}', f32(2)),
    ('negative offset', '{"a":{"dtype":"F32","shape":[0],"data_offsets":[-0,0]}}', b''),
    ('three offsets', '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8,8]}}', f32(2)),
    ('one offset', '{"a":{"dtype":"F32","shape":[2],"data_offsets":[8]}}', f32(2)),
    ('offsets not an array', '{"a":{"dtype":"F32","shape":[2],"data_offsets":{"0":0,"1":8}}}', f32(2)),
    ('missing data_offsets', '{"a":{"dtype":"F32","shape":[2]}}', f32(2)),
    ('missing shape', '{"a":{"dtype":"F32","data_offsets":[0,8]}}', f32(2)),
    ('missing dtype', '{"a":{"shape":[2],"data_offsets":[0,8]}}', f32(2)),
    ('unknown dtype', '{"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}', f32(2)),
    ('lower-case dtype', '{"a":{"dtype":"f32","shape":[2],"data_offsets":[0,8]}}', f32(2)),
    ('dtype not a string', '{"a":{"dtype":4,"shape":[2],"data_offsets":[0,8]}}', f32(2)),
    ('shape not an array', '{"a":{"dtype":"F32","shape":2,"data_offsets":[0,8]}}', f32(2)),
    ('negative dimension', '{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}', f32(2)),
    ('fractional dimension', '{"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}', f32(2)),
    ('null dimension', '{"a":{"dtype":"F32","shape":[null],"data_offsets":[0,8]}}', f32(2)),
    ('shape overflows 64 bits', '{"a":{"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,8]}}', f32(2)),
    ('offset beyond 64 bits', '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,18446744073709551624]}}', f32(2)),
    ('entry is null', '{"a":null}', b''),
    ('entry is a number', '{"a":1}', b''),
    ('entry is a string', '{"a":"F32"}', b''),
    ('entry is an array', '{"a":["F32",[2],[0,8]]}', f32(2)),
    ('non-string metadata value', '{"__metadata__":{"epoch":3}}', b''),
    ('nested metadata value', '{"__metadata__":{"a":{"b":"c"}}}', b''),
    ('metadata is an array', '{"__metadata__":["a"]}', b''),
    ('metadata is a string', '{"__metadata__":"pt"}', b''),
    ('header is a number', '5', b''),
    ('header is an array', '[]', b''),
    ('header is a string', '"x"', b''),
    ('header is null', 'null', b''),
    ('header is empty', '', b''),
    ('invalid JSON', '{"a":', b''),
    ('trailing comma', '{"__metadata__":{"a":"b",}}', b''),
    ('single quotes', "{'a':1}", b''),
    ('trailing NUL padding', '{}\x00\x00\x00\x00\x00\x00', b''),
    ('byte-order mark', b'\xef\xbb\xbf{}', b''),
    ('invalid UTF-8 in a name', b'{"\xff":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f32(1)),
    ('overlong UTF-8', b'{"\xc0\xaf":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f32(1)),
    ('lone surrogate escape', '{"\\ud800":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f32(1)),
    ('control character in a string', '{"a\x01":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f32(1)),
    ('deep nesting', '{"__metadata__":' + '[' * 5000 + ']' * 5000 + '}', b''),
    ('duplicate field in an entry', '{"a":{"dtype":"F32","dtype":"F64","shape":[1],"data_offsets":[0,4]}}', f32(1)),
    ('duplicate tensor name', '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', f32(2)),
    ('duplicate tensor name, same entry', '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f32(1)),
    ('entry array too long', '{"a":["F32",[2],[0,8],1]}', f32(2)),
    ('entry array too short', '{"a":["F32",[2]]}', f32(2)),
    ('duplicate __metadata__', '{"__metadata__":{"a":"1"},"__metadata__":{"a":"2"}}', b''),
]

RAW = [
    ('shorter than 8 bytes', b'\x08\x00\x00'),
    ('empty file', b''),
    ('header length beyond the file', struct.pack('<Q', 255) + b'{}'),
    ('header length over 100 MB', struct.pack('<Q', 100_000_001) + b'{}'),
    ('header length 2^64 - 1', b'\xff' * 8 + b'{}'),
]

# The reference reader accepts a repeated tensor name when the last copy tiles the data (serde keeps
# the last); JSON (RFC 8259) says names SHOULD be unique and such a file means two things, so
# Flambeau refuses every duplicate key.
STRICTER = {'duplicate tensor name, same entry'}


def run(name, blob):
    case = {'name': name, 'bytes': base64.b64encode(blob).decode()}
    try:
        out = ref.deserialize(blob)
        case['ok'] = [{'name': n, 'dtype': v['dtype'], 'shape': list(v['shape']), 'data': base64.b64encode(bytes(v['data'])).decode()} for n, v in out]
        case['ok'].sort(key=lambda t: t['name'])
    except Exception as e:  # the reference's SafetensorError
        case['error'] = str(e)
    if name in STRICTER:
        case['stricter'] = True
    return case


cases = []
for name, header, data in CASES:
    hb = header if isinstance(header, bytes) else header.encode('utf-8', 'surrogatepass')
    cases.append(run(name, struct.pack('<Q', len(hb)) + hb + data))
for name, blob in RAW:
    cases.append(run(name, blob))

with open(OUT, 'w') as f:
    json.dump({'reference': 'safetensors ' + safetensors.__version__, 'cases': cases}, f, indent=1)
    f.write('\n')
print(f'{len(cases)} cases, {sum("ok" in c for c in cases)} accepted by the reference')

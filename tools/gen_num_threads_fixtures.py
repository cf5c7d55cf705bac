"""Writes packages/tensor/test/fixtures/num_threads.json: what torch.set_num_threads raises.

Each case is the argument (as JSON) and the exception class and message PyTorch gives, plus the
round trip of a valid count through get_num_threads. Run with /usr/bin/python3.
"""
import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'packages', 'tensor', 'test', 'fixtures', 'num_threads.json')

errors = []
for arg in [0, -1, 1.5, 'a']:
    try:
        torch.set_num_threads(arg)
    except Exception as e:  # noqa: BLE001 - the class is part of the fixture
        errors.append({'arg': arg, 'error': type(e).__name__, 'message': str(e)})

before = torch.get_num_threads()
torch.set_num_threads(3)
roundtrip = torch.get_num_threads()
torch.set_num_threads(before)

with open(OUT, 'w') as f:
    json.dump({'torch': torch.__version__, 'errors': errors, 'set3get': roundtrip}, f, indent=1)
    f.write('\n')

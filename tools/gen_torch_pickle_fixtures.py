"""Writes packages/nn/test/fixtures/torch_zip.pt and torch_legacy.pt: tiny PyTorch checkpoints in
torch.save's zip format (torch >= 1.6) and its legacy pickle format, so the safetensors loader's
refusal of pickle files is tested on real files. Run with /usr/bin/python3 (Debian's torch)."""
import os

import torch

DIR = os.path.join(os.path.dirname(__file__), '..', 'packages', 'nn', 'test', 'fixtures')
sd = {'weight': torch.arange(4, dtype=torch.float32)}
torch.save(sd, os.path.join(DIR, 'torch_zip.pt'))
torch.save(sd, os.path.join(DIR, 'torch_legacy.pt'), _use_new_zipfile_serialization=False)

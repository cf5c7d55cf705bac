"""PyTorch 1.13's errors for invalid layer, optimizer and scheduler constructor arguments.

Run: /usr/bin/python3 tools/gen_constructor_errors.py > packages/flambeau/test/fixtures/constructor_errors.json

Each entry: the error class PyTorch raises and its message. (PyTorch asserts some checks: an
`AssertionError` there is a `ValueError` in Flambeau, which has no assertion class; the test says so.)
"""
import json
import os
import sys

# Some messages print a Python set, whose order follows the string hash: fix the seed so the fixture is reproducible.
if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import torch
import torch.nn as nn

CASES = {
    "Linear(-1, 2)": lambda: nn.Linear(-1, 2),
    "Conv2d(3, 2, 3, groups=2)": lambda: nn.Conv2d(3, 2, 3, groups=2),
    "Conv2d(4, 2, 3, groups=4)": lambda: nn.Conv2d(4, 2, 3, groups=4),
    "Conv2d(1, 2, 3, groups=0)": lambda: nn.Conv2d(1, 2, 3, groups=0),
    "Conv2d(1, 2, 3, stride=2, padding='same')": lambda: nn.Conv2d(1, 2, 3, stride=2, padding="same"),
    "Dropout(1.5)": lambda: nn.Dropout(1.5),
    "Dropout(-0.1)": lambda: nn.Dropout(-0.1),
    "Dropout2d(1.5)": lambda: nn.Dropout2d(1.5),
    "Embedding(10, 3, padding_idx=10)": lambda: nn.Embedding(10, 3, padding_idx=10),
    "Embedding(-1, 3)": lambda: nn.Embedding(-1, 3),
    "LSTM(4, 4, dropout=2)": lambda: nn.LSTM(4, 4, dropout=2),
    "RNN(4, 4, nonlinearity='sig')": lambda: nn.RNN(4, 4, nonlinearity="sig"),
    "LSTM(4, 4, proj_size=4)": lambda: nn.LSTM(4, 4, proj_size=4),
    "LSTM(4, 4, proj_size=-1)": lambda: nn.LSTM(4, 4, proj_size=-1),
    "MultiheadAttention(8, 3)": lambda: nn.MultiheadAttention(8, 3),
    "TransformerEncoderLayer(8, 2, activation='tanh')": lambda: nn.TransformerEncoderLayer(8, 2, activation="tanh"),
    "GroupNorm(3, 4)": lambda: nn.GroupNorm(3, 4),
    "BatchNorm2d(-1)": lambda: nn.BatchNorm2d(-1),
    "LayerNorm(-1)": lambda: nn.LayerNorm(-1),
    "SGD(lr=-1)": lambda: torch.optim.SGD([nn.Parameter(torch.ones(1))], lr=-1),
    "Adam(betas=(1.5, 0.9))": lambda: torch.optim.Adam([nn.Parameter(torch.ones(1))], betas=(1.5, 0.9)),
    "Adadelta(rho=2)": lambda: torch.optim.Adadelta([nn.Parameter(torch.ones(1))], rho=2),
    "CosineAnnealingWarmRestarts(T_0=0)": lambda: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(torch.optim.SGD([nn.Parameter(torch.ones(1))], lr=0.1), 0),
    "ReduceLROnPlateau(factor=2)": lambda: torch.optim.lr_scheduler.ReduceLROnPlateau(torch.optim.SGD([nn.Parameter(torch.ones(1))], lr=0.1), factor=2),
    "BatchSampler(batch_size=0)": lambda: torch.utils.data.BatchSampler([0, 1], 0, False),
    "Conv2d(1, 2, 3, padding_mode='foo')": lambda: nn.Conv2d(1, 2, 3, padding_mode="foo"),
    "Conv2d(1, 2, 3, padding='foo')": lambda: nn.Conv2d(1, 2, 3, padding="foo"),
    "RNN(4, 4, proj_size=2)": lambda: nn.RNN(4, 4, proj_size=2),
    "GRU(4, 4, dropout=-1)": lambda: nn.GRU(4, 4, dropout=-1),
    "TransformerEncoderLayer(8, 3)": lambda: nn.TransformerEncoderLayer(8, 3),
    "Embedding.from_pretrained(ones(3))": lambda: nn.Embedding.from_pretrained(torch.ones(3)),
    "Adam(lr=-1)": lambda: torch.optim.Adam([nn.Parameter(torch.ones(1))], lr=-1),
    "Adam(eps=-1)": lambda: torch.optim.Adam([nn.Parameter(torch.ones(1))], eps=-1),
    "SGD(lr=0.1, nesterov=True)": lambda: torch.optim.SGD([nn.Parameter(torch.ones(1))], lr=0.1, nesterov=True),
    "DataLoader(ds, sampler=s, shuffle=True)": lambda: torch.utils.data.DataLoader([0, 1], sampler=[0, 1], shuffle=True),
    "DataLoader(ds, num_workers=-1)": lambda: torch.utils.data.DataLoader([0, 1], num_workers=-1),
    "RandomSampler(ds, num_samples=0)": lambda: torch.utils.data.RandomSampler([0, 1], num_samples=0),
}


def main():
    out = {}
    for name, make in CASES.items():
        try:
            make()
        except Exception as e:  # noqa: BLE001 - recording whatever PyTorch raises is the point
            out[name] = [type(e).__name__, str(e)]
        else:
            raise SystemExit(f"{name} did not raise")
    json.dump({"torch": torch.__version__, "errors": out}, sys.stdout, indent=1)
    sys.stdout.write("\n")


main()

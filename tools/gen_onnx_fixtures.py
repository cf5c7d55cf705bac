"""ONNX fixtures from PyTorch for packages/onnx: torch.onnx.export of an LSTM, a
TransformerEncoderLayer and the seed CNN (seed001's CNNNet) from fixed weights.

Writes, per model, into packages/onnx/test/fixtures/:
  <name>.onnx         torch.onnx.export's file (Debian torch 1.13, opset 17 or 13)
  <name>.safetensors  the weights, so Flambeau loads exactly the same ones
  <name>.json         an input (batch other than the export's example) and PyTorch's outputs

Run with Debian's python3-torch:  /usr/bin/python3 tools/gen_onnx_fixtures.py
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from gen_nn_fixtures import write_safetensors  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', 'packages', 'onnx', 'test', 'fixtures')


class CNNNet(nn.Module):
    """examples/models/seed001_cifar.ts."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 5, stride=1)
        self.pool1 = nn.MaxPool2d(2, stride=2)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=1)
        self.pool2 = nn.MaxPool2d(2, stride=2)
        self.fc1 = nn.Linear(576, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.pool1(F.relu(self.conv1(x)))
        x = self.pool2(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 6 * 6)
        return F.relu(self.fc2(F.relu(self.fc1(x))))


class LSTMNet(nn.Module):
    """A 2-layer bidirectional batch-first LSTM returning (output, h_n, c_n)."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 5, num_layers=2, bidirectional=True, batch_first=True)

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        return out, h, c


def flat(t):
    # 9 significant digits give every float32 back exactly.
    return [float('%.9g' % v) for v in t.detach().reshape(-1).tolist()]


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    models = [
        # name, module, example input, test input, opset, dynamic axes of the input
        # torch 1.13 bakes the example's batch into the LSTM's zero initial states unless it is 1.
        ('lstm', LSTMNet(), torch.randn(1, 6, 4), torch.randn(3, 7, 4), 17, {0: 'batch', 1: 'seq'}),
        ('transformer_encoder_layer', nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.1), torch.randn(5, 2, 8), torch.randn(5, 3, 8), 17, {1: 'batch'}),
        ('cnn', CNNNet(), torch.randn(2, 3, 32, 32), torch.randn(3, 3, 32, 32), 13, {0: 'batch'}),
    ]
    for name, model, example, test, opset, axes in models:
        model.eval()
        write_safetensors(os.path.join(OUT, f'{name}.safetensors'), {k: v.detach() for k, v in model.state_dict().items()})
        with torch.no_grad():
            outs = model(test)
        outs = outs if isinstance(outs, tuple) else (outs,)
        out_names = [f'output_{i}' for i in range(len(outs))]
        torch.onnx.export(model, (example,), os.path.join(OUT, f'{name}.onnx'), opset_version=opset,
                          input_names=['input'], output_names=out_names, dynamic_axes={'input': axes},
                          do_constant_folding=True)
        with open(os.path.join(OUT, f'{name}.json'), 'w') as f:
            json.dump({
                'torch': torch.__version__, 'opset': opset, 'dynamic_axes': {str(k): v for k, v in axes.items()},
                'example_shape': list(example.shape),
                'input': {'shape': list(test.shape), 'data': flat(test)},
                'outputs': [{'name': n, 'shape': list(o.shape), 'data': flat(o)} for n, o in zip(out_names, outs)],
            }, f)
        print(name, 'opset', opset, [tuple(o.shape) for o in outs])

    # Resize modes checked against PyTorch's own interpolate (no weights: just input and output).
    resize = []
    for opts in [dict(scale_factor=2, mode='bicubic', align_corners=False), dict(size=(7, 5), mode='bicubic', align_corners=True),
                 dict(size=(1, 1), mode='bilinear', align_corners=False), dict(scale_factor=1.5, mode='nearest')]:
        x = torch.randn(2, 3, 4, 6)
        y = F.interpolate(x, **opts)
        resize.append({'opts': {k: list(v) if isinstance(v, tuple) else v for k, v in opts.items()},
                       'input': {'shape': list(x.shape), 'data': flat(x)}, 'output': {'shape': list(y.shape), 'data': flat(y)}})
    with open(os.path.join(OUT, 'interpolate.json'), 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': resize}, f)


if __name__ == '__main__':
    main()

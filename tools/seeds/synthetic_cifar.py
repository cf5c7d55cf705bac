"""Writes a small CIFAR-10 in the exact binary layout (no registry ships the real one).

Bytes come from a 31-bit LCG so examples/synthetic_cifar.ts writes the identical files.
"""
import os


def lcg_bytes(seed, n):
    out = bytearray(n)
    s = seed
    for i in range(n):
        s = (s * 1103515245 + 12345) & 0x7FFFFFFF
        out[i] = (s >> 16) & 0xFF
    return out


def write_cifar10(root, per_file):
    d = os.path.join(root, 'cifar-10-batches-bin')
    os.makedirs(d, exist_ok=True)
    names = ['data_batch_%d.bin' % i for i in range(1, 6)] + ['test_batch.bin']
    for k, name in enumerate(names):
        raw = lcg_bytes(k + 1, per_file * 3073)
        for r in range(per_file):
            raw[r * 3073] %= 10
        with open(os.path.join(d, name), 'wb') as f:
            f.write(raw)

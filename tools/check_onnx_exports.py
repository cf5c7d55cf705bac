"""Runs python3-onnx's onnx.checker over every model packages/onnx's tests export.

The layer and seed-model tests write each exported file into $FLAMBEAU_ONNX_DUMP when it is set;
this script sets it to a temporary directory, runs those tests, then checks every file with
onnx.checker.check_model(full_check=True) (which also runs ONNX shape inference).

Debian's python3-onnx is 1.12: it knows opsets up to 17 and IR version 8, so files of opset 18+
are reported as beyond this checker rather than as failures.

Run:  /usr/bin/python3 tools/check_onnx_exports.py
"""
import collections
import glob
import os
import re
import subprocess
import sys
import tempfile

import onnx
import onnx.checker
import onnx.defs

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')


def main():
    with tempfile.TemporaryDirectory() as dump:
        env = dict(os.environ, FLAMBEAU_ONNX_DUMP=dump)
        subprocess.run(['npx', 'vitest', 'run', 'packages/onnx/test/layers.test.ts', 'packages/onnx/test/seeds.test.ts'],
                       cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        newest = onnx.defs.onnx_opset_version()
        counts = collections.Counter()
        failures = []
        for path in sorted(glob.glob(os.path.join(dump, '*.onnx'))):
            name = os.path.basename(path)
            opset = int(re.search(r'_opset(\d+)\.onnx$', name).group(1))
            if opset > newest:
                counts['beyond checker (opset > %d)' % newest] += 1
                continue
            try:
                onnx.checker.check_model(onnx.load(path), full_check=True)
                counts['ok opset %d' % opset] += 1
            except Exception as e:  # noqa: BLE001 - report every failure, then exit non-zero
                failures.append((name, str(e).splitlines()[0]))
        print('onnx %s checker:' % onnx.__version__, dict(sorted(counts.items())))
        for name, err in failures:
            print('FAIL', name, err)
        sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()

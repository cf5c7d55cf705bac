import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DTypeError, type Tensor, manualSeed, randn } from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import { OnnxExportError, checkOnnx, exportOnnx } from '../src/index.js';

/** Bad input: a clear `cannot export <op> (<path>): <reason>` and nothing at the target path. */
let dir: string;
let target: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flambeau-onnx-'));
  target = join(dir, 'model.onnx');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function expectRefused(run: () => void, message: RegExp): void {
  expect(run).toThrow(OnnxExportError);
  expect(run).toThrow(message);
  expect(existsSync(target)).toBe(false);
  expect(readdirSync(dir)).toEqual([]);
}

class Branchy extends nn.Module {
  fc = new nn.Linear(4, 4);
  override forward(x: Tensor): Tensor {
    const y = this.fc(x);
    return y.sum().itemSync() > 0 ? y : y.neg();
  }
}

class Outer extends nn.Module {
  block = new Branchy();
  override forward(x: Tensor): Tensor { return this.block(x).relu(); }
}

describe('exportOnnx refuses what it cannot export', () => {
  it('a forward that reads tensor values (itemSync) inside forward', () => {
    expectRefused(() => exportOnnx(new Branchy(), [randn(2, 4)], target), /^cannot export Branchy\.forward \(<top>\): forward reads tensor values/);
    expectRefused(() => exportOnnx(new Outer(), [randn(2, 4)], target), /^cannot export Branchy\.forward \(block\): forward reads tensor values/);
  });

  it('a forward that reads values with dataSync or tolistSync', () => {
    class Lister extends nn.Module {
      override forward(x: Tensor): Tensor { return x.mul((x.tolistSync() as number[][]).length); }
    }
    expectRefused(() => exportOnnx(new Lister(), [randn(2, 4)], target), /forward reads tensor values/);
  });

  it('an op without an ONNX mapping', () => {
    class Cum extends nn.Module {
      lin = new nn.Linear(3, 3);
      override forward(x: Tensor): Tensor { return this.lin(x).cumsum(1); }
    }
    expectRefused(() => exportOnnx(new Cum(), [randn(2, 3)], target), /^cannot export cumsum \(<top>\): op 'cumsum' has no ONNX mapping/);
  });

  it('an opset too old for an op', () => {
    class Lower extends nn.Module {
      override forward(x: Tensor): Tensor { return x.tril(); }
    }
    expectRefused(() => exportOnnx(new Lower(), [randn(3, 3)], target, { opsetVersion: 13 }), /^cannot export tril \(<top>\): tril\/triu \(Trilu\) needs opset 14 or newer \(exporting opset 13\)/);
    const conv = new nn.Sequential(new nn.Conv2d(2, 2, 3, { padding: 1, paddingMode: 'circular' }));
    expectRefused(() => exportOnnx(conv, [randn(1, 2, 5, 5)], target, { opsetVersion: 18 }), /^cannot export pad \(0\): padding mode 'circular' \(Pad mode 'wrap'\) needs opset 19/);
    // The same models export at a new enough opset.
    exportOnnx(new Lower(), [randn(3, 3)], target, { opsetVersion: 14 });
    expect(checkOnnx(target).opsetVersion).toBe(14);
  });

  it('opsets outside 13-26', () => {
    for (const opsetVersion of [12, 27, 17.5]) {
      expectRefused(() => exportOnnx(new nn.ReLU(), [randn(2)], target, { opsetVersion }), /opsetVersion .* is not supported \(13 to 26/);
    }
  });

  it('a dynamicAxes name that matches no input or output', () => {
    expectRefused(() => exportOnnx(new nn.Linear(3, 2), [randn(2, 3)], target, { inputNames: ['x'], dynamicAxes: { input: [0] } }),
      /^cannot export dynamicAxes \(<top>\): 'input' matches no input or output name \(inputs: x; outputs: output\)/);
    expectRefused(() => exportOnnx(new nn.Linear(3, 2), [randn(2, 3)], target, { dynamicAxes: { input: [2] } }), /axis 2 of input 'input' is out of range/);
  });

  it('a forward whose ops change with a dynamic size', () => {
    class BySize extends nn.Module {
      override forward(x: Tensor): Tensor { return x.shape[0] > 2 ? x.relu() : x.sigmoid(); }
    }
    expectRefused(() => exportOnnx(new BySize(), [randn(2, 3)], target, { dynamicAxes: { input: [0] } }), /forward runs different ops when a dynamic axis changes size/);
  });

  it('an in-place write through a view', () => {
    class Poke extends nn.Module {
      override forward(x: Tensor): Tensor {
        const y = x.mul(2);
        y.select(1, 0).copy_(x.select(1, 1));
        return y;
      }
    }
    expectRefused(() => exportOnnx(new Poke(), [randn(2, 3)], target), /^cannot export copy_ \(<top>\): an in-place write to a tensor that shares its storage/);
  });

  it('training-mode batch statistics', () => {
    expectRefused(() => exportOnnx(new nn.BatchNorm1d(3), [randn(4, 3)], target, { training: 'train' }), /^cannot export nativeBatchNorm \(<top>\): batch statistics of training mode are not exported/);
  });

  it('leaves an existing file untouched on error, and replaces it whole on success', () => {
    writeFileSync(target, 'old');
    expect(() => exportOnnx(new Branchy(), [randn(2, 4)], target)).toThrow(/forward reads tensor values/);
    expect(readFileSync(target, 'utf8')).toBe('old');
    manualSeed(0);
    exportOnnx(new nn.Linear(3, 2), [randn(2, 3)], target);
    expect(checkOnnx(target).nodes).toBe(1);
    expect(readdirSync(dir)).toEqual(['model.onnx']);
  });
});

describe('export options', () => {
  it('an unknown option name raises TypeError as torch.onnx.export does', () => {
    const call = () => exportOnnx(new nn.Linear(2, 2), [randn(1, 2)], { returnBytes: true }, { opset: 13 } as never);
    expect(call).toThrow(DTypeError);
    expect(call).toThrow("export() got an unexpected keyword argument 'opset'");
  });
});

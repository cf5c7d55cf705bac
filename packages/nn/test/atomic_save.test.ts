import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Generator, defaultBackend, fromArray, tensor } from '@flambeau/tensor';
import * as nn from '@flambeau/nn';

const BIG = process.env.FLAMBEAU_BIG_TEST === '1';
const helper = new URL('./helpers/save_loop.ts', import.meta.url).pathname;
const tmp = (): string => mkdtempSync(join(tmpdir(), 'flambeau-atomic-'));

/** Draws in [0, 1) from a seeded torch Generator, so a failure names a replayable case. */
function rng(seed: number): () => number {
  const g = new Generator(seed);
  return () => g.uniformDouble();
}

/** Starts the save loop; resolves after it has been SIGKILLed `delayMs` after its first completed save. */
function killDuringSaves(target: string, mb: number, delay: (saveMs: number) => number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@flambeau/source', '--import', 'tsx', helper, target, String(mb)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let first = 0;
    child.stderr.on('data', (d) => { err += String(d); });
    child.stdout.on('data', () => {
      if (first === 0) first = Date.now();
      else if (first > 0) {
        // The second save tells how long one takes; kill somewhere inside the next ones.
        const saveMs = Date.now() - first;
        first = -1;
        setTimeout(() => child.kill('SIGKILL'), delay(saveMs));
      }
    });
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`save loop exited with ${code}: ${err}`))));
  });
}

/** Host tensors: `save` reads synchronously (the suite also runs with an asynchronous default device). */
const HOST = { device: 'cpu', dtype: 'float32' } as const;

const temps = (dir: string): string[] => readdirSync(dir).filter((n) => n.includes('.tmp-'));

describe('atomic save', () => {
  it('removes stale temporary files of the same target on the next save, and only those', () => {
    const dir = tmp();
    const target = join(dir, 'net.safetensors');
    // A dead writer's temp (pid 2^22 + 1 is beyond Linux's pid_max default), and another target's.
    writeFileSync(join(dir, `.net.safetensors.tmp-${2 ** 22 + 1}-abc`), 'partial');
    writeFileSync(join(dir, `.other.safetensors.tmp-${2 ** 22 + 1}-abc`), 'partial');
    writeFileSync(join(dir, `.net.safetensors.tmp-${process.ppid}-live`), 'partial');
    nn.save({ w: tensor([1, 2], HOST) }, target);
    expect(readdirSync(dir).sort()).toEqual([`.net.safetensors.tmp-${process.ppid}-live`, '.other.safetensors.tmp-4194305-abc', 'net.safetensors']);
  });

  it('a failed save leaves the old file and no temporary file', () => {
    const dir = tmp();
    const target = join(dir, 'net.safetensors');
    nn.save({ w: tensor([1, 2], HOST) }, target);
    const bad = { w: tensor([3], HOST), get x(): never { throw new Error('boom'); } };
    expect(() => nn.save(bad as unknown as Record<string, ReturnType<typeof tensor>>, target)).toThrow('boom');
    // A tensor whose data cannot be read fails mid-write: the old file stays.
    const gpuLike = tensor([5], HOST);
    Object.defineProperty(gpuLike, 'dataSync', { value: () => { throw new Error('device lost'); } });
    expect(() => nn.save({ a: tensor([4], HOST), b: gpuLike }, target)).toThrow('device lost');
    expect(readdirSync(dir)).toEqual(['net.safetensors']);
    expect(nn.load(target).w.tolistSync()).toEqual([1, 2]);
  });

  const mb = BIG ? 200 : 20;
  // Host-side file I/O only: once per run, in the CPU lane.
  it.skipIf(defaultBackend().name !== 'cpu')(`survives 20 kill -9 at random moments of a ${mb} MB save loop${BIG ? '' : ' (200 MB with FLAMBEAU_BIG_TEST=1)'}`, async () => {
    const dir = tmp();
    const target = join(dir, 'ckpt.safetensors');
    const random = rng(17);
    let interrupted = 0;
    for (let k = 0; k < 20; k++) {
      await killDuringSaves(target, mb, (saveMs) => Math.floor(random() * 2 * saveMs));
      // Whatever moment the kill hit, the target is a whole file from one round.
      expect(existsSync(target)).toBe(true);
      const { stateDict, metadata } = nn.load(target, { metadata: true });
      const round = Number(metadata?.round);
      for (let i = 0; i < 4; i++) {
        const t = stateDict[`t${i}`];
        expect(t.shape).toEqual([(mb * 1024 * 1024) / 16]);
        expect([t.min().itemSync(), t.max().itemSync()]).toEqual([round * 10 + i, round * 10 + i]);
      }
      if (temps(dir).length > 0) interrupted++;
      nn.save({ w: fromArray(new Float32Array([k]), [1], HOST) }, target);
      expect(temps(dir)).toEqual([]);
    }
    // Most kills land inside a write (the loop does little else), which is what is being tested.
    expect(interrupted).toBeGreaterThanOrEqual(5);
  }, BIG ? 300_000 : 120_000);
});

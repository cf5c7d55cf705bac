import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initWebGPU, unavailableReason } from '@flambeau/backend-webgpu';
import { describe, expect, it } from 'vitest';
import { buildPage, mnistSample } from '../webgpu-lenet/build.js';
import { type Batch, type LossKind, mnistBatches, trainLeNet } from '../webgpu-lenet/lenet.js';

const noGpu = await unavailableReason();
if (!noGpu) await initWebGPU();

function expectSameLosses(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  const bad = want.flatMap((w, i) => (Math.abs(got[i] - w) <= 1e-3 * Math.abs(w) ? [] : [`step ${i}: webgpu ${got[i]} cpu ${w}`]));
  expect(bad).toEqual([]);
}

async function followsCpu(loss: LossKind, batches?: Batch[]): Promise<void> {
  const steps = 50;
  const want = await trainLeNet('cpu', steps, loss, batches);
  const got = await trainLeNet('webgpu', steps, loss, batches);
  expectSameLosses(got, want);
  expect(want[steps - 1]).toBeLessThan(want[0]);
}

describe(`LeNet on webgpu${noGpu ? ` (skipped: ${noGpu})` : ''}`, () => {
  // Same seed, weights and batches on both devices: the loss curves agree step by step.
  it.skipIf(noGpu !== null)('trains 50 steps with F.crossEntropy following the CPU losses', () => followsCpu('crossEntropy'), 150_000);
});

const chromium = '/usr/bin/chromium';
const here = fileURLToPath(new URL('../webgpu-lenet/', import.meta.url));

describe(`the browser page trains LeNet on MNIST in headless Chromium${existsSync(chromium) ? '' : ' (skipped: no /usr/bin/chromium)'}`, () => {
  it.skipIf(!existsSync(chromium))('reports the CPU run\'s first losses', async () => {
    const { chromium: pw } = await import('playwright-core');
    const tmp = mkdtempSync(join(tmpdir(), 'flambeau-lenet-'));
    const steps = 4;
    await buildPage(tmp, 32);
    const { images, labels } = mnistSample(32);
    const files: Record<string, [Buffer, string]> = {
      '/index.html': [readFileSync(`${here}index.html`), 'text/html'],
      '/main.js': [readFileSync(join(tmp, 'main.js')), 'text/javascript'],
      '/mnist-images.bin': [readFileSync(join(tmp, 'mnist-images.bin')), 'application/octet-stream'],
      '/mnist-labels.bin': [readFileSync(join(tmp, 'mnist-labels.bin')), 'application/octet-stream'],
    };
    const server = createServer((req, res) => {
      const f = files[(req.url ?? '/').split('?')[0]];
      if (!f) { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'content-type': f[1] }).end(f[0]);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const browser = await pw.launch({
      executablePath: chromium,
      args: ['--enable-unsafe-webgpu', '--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/index.html?steps=${steps}`);
      const handle = await page.waitForFunction(() => (window as { lenetResult?: unknown }).lenetResult, undefined, { timeout: 100_000 });
      const result = (await handle.jsonValue()) as { losses?: number[]; error?: string };
      expect(result.error).toBeUndefined();
      const want = await trainLeNet('cpu', steps, 'oneHot', mnistBatches(images, labels));
      expectSameLosses(result.losses!, want);
    } finally {
      await browser.close();
      server.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 150_000);
});

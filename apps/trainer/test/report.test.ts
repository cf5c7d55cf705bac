/**
 * The HTML report of a real run, opened in Debian's headless Chromium: the charts render, the
 * images load, nothing is requested from outside the file, the console stays clean; a screenshot
 * is saved next to the report.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';

describe('report.html', () => {
  it('renders in headless Chromium with no request leaving the page and no console error', async (ctx) => {
    if (!existsSync(CHROMIUM)) return ctx.skip();
    const out = join(mkdtempSync(join(tmpdir(), 'flambeau-report-')), 'run');
    const r = await cli(['train', '--train-limit', '256', '--test-limit', '128', '--epochs', '2', '--lr', '0.003', '--no-export', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const url = pathToFileURL(join(out, 'report.html')).href;
      const requests: string[] = [];
      const problems: string[] = [];
      page.on('request', (req) => requests.push(req.url()));
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      await page.goto(url, { waitUntil: 'load' });
      const charts = await page.$$eval('svg.chart', (svgs) => svgs.map((s) => ({
        label: s.getAttribute('aria-label'),
        lines: [...s.querySelectorAll('polyline')].map((p) => ({ points: p.getAttribute('points')!.split(' ').length, width: (p as SVGGraphicsElement).getBBox().width })),
      })));
      expect(charts.map((c) => c.label)).toEqual(['loss', 'accuracy', 'learning rate']);
      expect(charts[0].lines[0].points).toBe(8); // 256 training images at batch 64, two epochs: 8 steps
      for (const c of charts) for (const l of c.lines) expect(l.width, c.label!).toBeGreaterThan(100);
      expect(charts[1].lines.map((l) => l.points)).toEqual([2, 2]);
      const images = await page.$$eval('.samples img', (imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
      expect(images).toHaveLength(16);
      for (const w of images) expect(w).toBe(32);
      expect(await page.$$eval('table.confusion tr', (rows) => rows.length)).toBe(11);
      expect(await page.textContent('#test-accuracy')).toMatch(/^\d+\.\d\d%$/);
      // Only the report itself is fetched: data: URIs are not network requests.
      expect(requests.filter((u) => !u.startsWith('data:'))).toEqual([url]);
      expect(problems).toEqual([]);
      const shot = join(out, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(existsSync(shot)).toBe(true);
      console.log(`report screenshot: ${shot}`);
    } finally {
      await browser.close();
    }
  }, 120_000);
});

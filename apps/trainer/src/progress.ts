/**
 * Where the trainer says what it is doing: a progress bar on a terminal (cli-progress), plain
 * log lines when stdout is not a terminal, or one JSON object per event with `--json`.
 */
import cliProgress from 'cli-progress';

export type Mode = 'tty' | 'lines' | 'json';

export interface StepInfo { epoch: number; epochs: number; batch: number; batches: number; step: number; loss: number; accuracy: number; imagesPerSecond: number; etaSeconds: number; lr: number }

export class Reporter {
  private bar: cliProgress.SingleBar | null = null;

  constructor(readonly mode: Mode, private readonly everySteps = 50) {}

  static detect(json: boolean): Reporter {
    return new Reporter(json ? 'json' : process.stdout.isTTY ? 'tty' : 'lines');
  }

  /** A named event: JSON mode prints `{ event, ...fields }`; the others print `text`. */
  event(event: string, fields: Record<string, unknown>, text?: string): void {
    if (this.mode === 'json') {
      process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
      return;
    }
    if (text === undefined) return;
    if (this.bar) this.bar.stop(), (this.bar = null);
    process.stdout.write(`${text}\n`);
  }

  step(s: StepInfo): void {
    if (this.mode === 'json') return this.event('step', { ...s });
    const fmt = { epoch: `${s.epoch}/${s.epochs}`, loss: s.loss.toFixed(4), acc: (100 * s.accuracy).toFixed(2), ips: s.imagesPerSecond.toFixed(0) };
    if (this.mode === 'tty') {
      if (!this.bar) {
        this.bar = new cliProgress.SingleBar({
          format: 'epoch {epoch} [{bar}] {value}/{total} | loss {loss} | acc {acc}% | {ips} img/s | ETA {eta_formatted}',
          etaBuffer: 50, hideCursor: true, clearOnComplete: true,
        }, cliProgress.Presets.shades_classic);
        this.bar.start(s.batches, s.batch, fmt);
      }
      this.bar.update(s.batch, fmt);
      return;
    }
    if (s.batch % this.everySteps === 0 || s.batch === s.batches) {
      process.stdout.write(`epoch ${fmt.epoch} batch ${s.batch}/${s.batches} loss ${fmt.loss} acc ${fmt.acc}% ${fmt.ips} img/s ETA ${Math.round(s.etaSeconds)}s\n`);
    }
  }

  close(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

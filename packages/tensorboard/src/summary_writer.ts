import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { type Args, NotImplementedError, Tensor, ValueError, declare, parseArgs } from '@flambeau/tensor';
import { encodePng, makeImage, utils } from '@flambeau/data';
import { EventSchema } from './proto.js';
import { encodeRecord } from './records.js';
import { histogram, type Bins } from './histogram.js';

const WRITER = declare('tensorboard.SummaryWriter', 'SummaryWriter(str? logDir=None, str comment="", int? purgeStep=None, int maxQueue=10, float flushSecs=120, str filenameSuffix="")');
const method = (sig: string) => declare(`tensorboard.SummaryWriter.${sig.slice(0, sig.indexOf('('))}`, sig);
const STEP = 'int? globalStep=None, float? walltime=None';
const M = {
  addScalar: method(`addScalar(str tag, Any scalarValue, ${STEP}, bool newStyle=False, bool doublePrecision=False)`),
  addHistogram: method('addHistogram(str tag, Any values, int? globalStep=None, Any bins="tensorflow", float? walltime=None, int? maxBins=None)'),
  addImage: method(`addImage(str tag, Tensor imgTensor, ${STEP}, str dataformats="CHW")`),
  addImages: method(`addImages(str tag, Tensor imgTensor, ${STEP}, str dataformats="NCHW")`),
  flush: method('flush()'),
  close: method('close()'),
};
type Step = [globalStep: number | null, walltime: number | null];
type StepOptions = { globalStep?: number | null; walltime?: number | null };

export interface SummaryWriterOptions {
  /** The folder (default `runs/<datetime>_<host><comment>`). */
  logDir?: string | null;
  /** Appended to the default `runs/<datetime>_<host>` folder name, as PyTorch's `comment`. */
  comment?: string;
  /** Events buffered before they are written (PyTorch's `max_queue`). */
  maxQueue?: number;
  /** Seconds between automatic flushes (PyTorch's `flush_secs`). */
  flushSecs?: number;
  /** Appended to the event file name. */
  filenameSuffix?: string;
  /** Not supported (TensorBoard's purge of later steps): only `null`. */
  purgeStep?: number | null;
}

type Values = Tensor | ArrayLike<number>;
type ImageFormat = 'CHW' | 'HWC' | 'HW';
type ImagesFormat = 'NCHW' | 'NHWC';

let fileCounter = 0;

/**
 * `torch.utils.tensorboard.SummaryWriter(log_dir=None, comment='', max_queue=10, flush_secs=120,
 * filename_suffix='')`: writes TensorBoard event files (`events.out.tfevents.*`) that TensorBoard
 * reads — scalars, images and histograms. Tensors are read synchronously (CPU tensors).
 *
 * @example
 * const writer = new SummaryWriter('runs/exp1');
 * writer.addScalar('loss/train', 0.25, 10);
 * writer.addImages('input', imgs, step);   // seed 002's writer.add_images(...)
 * writer.close();
 */
export class SummaryWriter {
  readonly logDir: string;
  /** The event file this writer appends to. */
  readonly path: string;
  private readonly fd: number;
  private queue: Uint8Array[] = [];
  private readonly maxQueue: number;
  private readonly timer: ReturnType<typeof setInterval> | null;
  private closed = false;

  constructor(...args: Args<[logDir: string | null, comment: string, purgeStep: number | null, maxQueue: number, flushSecs: number, filenameSuffix: string], SummaryWriterOptions>) {
    const a = parseArgs(WRITER, args) as Required<SummaryWriterOptions>;
    const { comment, purgeStep, maxQueue, flushSecs, filenameSuffix } = a;
    let logDir = a.logDir;
    if (purgeStep !== null) throw new NotImplementedError('SummaryWriter: purge_step is not supported');
    if (logDir === null) {
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
      logDir = join('runs', `${stamp}_${hostname()}${comment}`);
    }
    this.logDir = logDir;
    mkdirSync(logDir, { recursive: true });
    const seconds = Math.floor(Date.now() / 1000);
    this.path = join(logDir, `events.out.tfevents.${seconds}.${hostname()}.${process.pid}.${fileCounter++}${filenameSuffix}`);
    this.fd = openSync(this.path, 'a');
    this.maxQueue = maxQueue;
    this.writeEvent({ what: { case: 'fileVersion', value: 'brain.Event:2' } });
    this.flush();
    this.timer = flushSecs > 0 ? setInterval(() => this.flush(), flushSecs * 1000) : null;
    this.timer?.unref();
  }

  /**
   * `add_scalar(tag, scalar_value, global_step=None, walltime=None)`.
   *
   * @example writer.addScalar('lr', scheduler.getLastLr()[0], epoch)
   */
  addScalar(tag: string, scalarValue: number | Tensor, ...rest: Args<[...Step, newStyle: boolean, doublePrecision: boolean], StepOptions & { newStyle?: boolean; doublePrecision?: boolean }>): void {
    const { globalStep, walltime, newStyle } = parseArgs(M.addScalar, [tag, scalarValue, ...rest]);
    // new_style writes a tensor summary; double_precision only applies to it, as in PyTorch.
    if (newStyle) throw new NotImplementedError('add_scalar: new_style=True (tensor summaries) is not supported');
    const v = scalarValue instanceof Tensor ? scalarValue.itemSync() : scalarValue;
    if (typeof v !== 'number') throw new ValueError(`add_scalar expects a number or a one-element tensor for '${tag}', got ${typeof v}`);
    this.writeSummary({ tag, value: { case: 'simpleValue', value: v } }, globalStep, walltime);
  }

  /** `add_scalar` under its PyTorch name. */
  add_scalar(...args: Parameters<SummaryWriter['addScalar']>): void {
    Reflect.apply(this.addScalar, this, args);
  }

  /**
   * `add_histogram(tag, values, global_step=None, bins='tensorflow', walltime=None)`.
   *
   * @example for (const [name, p] of net.namedParameters()) writer.addHistogram(name, p, epoch)
   */
  addHistogram(tag: string, values: Values, ...rest: Args<[globalStep: number | null, bins: Bins, walltime: number | null, maxBins: number | null], { globalStep?: number | null; bins?: Bins; walltime?: number | null; maxBins?: number | null }>): void {
    const { globalStep, bins, walltime, maxBins } = parseArgs(M.addHistogram, [tag, values, ...rest]);
    if (maxBins !== null) throw new NotImplementedError('add_histogram: max_bins is not supported');
    this.writeSummary({ tag, value: { case: 'histo', value: histogram(toNumbers(values), bins) } }, globalStep, walltime);
  }

  /** `add_histogram` under its PyTorch name. */
  add_histogram(...args: Parameters<SummaryWriter['addHistogram']>): void {
    Reflect.apply(this.addHistogram, this, args);
  }

  /**
   * `add_image(tag, img_tensor, global_step=None, walltime=None, dataformats='CHW')`: float values
   * in [0, 1] (scaled to 0..255) or uint8.
   */
  addImage(tag: string, imgTensor: Tensor, ...rest: Args<[...Step, dataformats: ImageFormat], StepOptions & { dataformats?: ImageFormat }>): void {
    const { globalStep, walltime, dataformats } = parseArgs(M.addImage, [tag, imgTensor, ...rest]);
    let t = imgTensor;
    if (dataformats === 'HW') t = t.unsqueeze(0);
    else if (dataformats === 'HWC') t = t.permute(2, 0, 1);
    if (t.ndim !== 3) throw new ValueError(`add_image: dataformats '${dataformats}' needs a ${dataformats.length}-D tensor, got shape [${imgTensor.shape.join(', ')}]`);
    this.writeImage(tag, t, globalStep, walltime);
  }

  /** `add_image` under its PyTorch name. */
  add_image(...args: Parameters<SummaryWriter['addImage']>): void {
    Reflect.apply(this.addImage, this, args);
  }

  /**
   * `add_images(tag, img_tensor, global_step=None, walltime=None, dataformats='NCHW')`: a batch
   * laid out as a grid of 8 columns, as PyTorch does.
   *
   * @example writer.addImages('input', imgs, step)
   */
  addImages(tag: string, imgTensor: Tensor, ...rest: Args<[...Step, dataformats: ImagesFormat], StepOptions & { dataformats?: ImagesFormat }>): void {
    const { globalStep, walltime, dataformats } = parseArgs(M.addImages, [tag, imgTensor, ...rest]);
    if (imgTensor.ndim !== 4) throw new ValueError(`add_images expects a 4-D ${dataformats} tensor, got shape [${imgTensor.shape.join(', ')}]`);
    const t = dataformats === 'NHWC' ? imgTensor.permute(0, 3, 1, 2) : imgTensor;
    this.writeImage(tag, utils.makeGrid(t, { nrow: 8, padding: 0 }), globalStep, walltime);
  }

  /** `add_images` under its PyTorch name (seed 002 calls `writer.add_images(...)`). */
  add_images(...args: Parameters<SummaryWriter['addImages']>): void {
    Reflect.apply(this.addImages, this, args);
  }

  /** Writes buffered events to disk (`flush()`). */
  flush(...args: []): void {
    parseArgs(M.flush, args);
    if (this.queue.length === 0) return;
    const total = this.queue.reduce((n, r) => n + r.length, 0);
    const buf = new Uint8Array(total);
    let o = 0;
    for (const r of this.queue) { buf.set(r, o); o += r.length; }
    this.queue = [];
    writeSync(this.fd, buf);
    fsyncSync(this.fd);
  }

  /** Flushes and closes the event file (`close()`); later writes throw. */
  close(...args: []): void {
    parseArgs(M.close, args);
    if (this.closed) return;
    this.flush();
    if (this.timer) clearInterval(this.timer);
    closeSync(this.fd);
    this.closed = true;
  }

  private writeImage(tag: string, chw: Tensor, globalStep: number | null, walltime: number | null): void {
    let [c, h, w] = chw.shape;
    if (c !== 1 && c !== 3 && c !== 4) throw new ValueError(`an image needs 1, 3 or 4 channels, got ${c} (shape [${chw.shape.join(', ')}])`);
    const src = chw.contiguous().dataSync();
    const scale = chw.dtype === 'uint8' ? 1 : 255;
    const outC = c === 1 ? 3 : c;
    const px = new Uint8Array(h * w * outC);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < outC; k++) {
      const v = Number(src[((c === 1 ? 0 : k) * h + y) * w + x]) * scale;
      px[(y * w + x) * outC + k] = Math.trunc(Math.max(0, Math.min(255, v))); // numpy's clip + astype(uint8)
    }
    c = outC;
    const png = encodePng(makeImage(w, h, c, px));
    this.writeSummary({ tag, value: { case: 'image', value: { height: h, width: w, colorspace: c, encodedImageString: png } } }, globalStep, walltime);
  }

  private writeSummary(value: object, globalStep: number | null, walltime: number | null): void {
    this.writeEvent({ step: BigInt(globalStep ?? 0), wallTime: walltime ?? undefined, what: { case: 'summary', value: { value: [value] } } });
  }

  private writeEvent(init: { step?: bigint; wallTime?: number; what: object }): void {
    if (this.closed) throw new ValueError(`SummaryWriter for ${this.logDir} is closed`);
    const event = create(EventSchema, { ...init, wallTime: init.wallTime ?? Date.now() / 1000 });
    this.queue.push(encodeRecord(toBinary(EventSchema, event)));
    if (this.queue.length >= this.maxQueue) this.flush();
  }
}

function toNumbers(values: Values): ArrayLike<number> {
  if (!(values instanceof Tensor)) return values;
  const d = values.detach().contiguous().dataSync();
  return d instanceof BigInt64Array ? Array.from(d, Number) : (d as ArrayLike<number>);
}

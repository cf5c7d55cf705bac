import { type Declaration, RuntimeError, parseArgs } from '@flambeau/tensor';
import { Dataset } from '../dataset.js';
import type { Image } from '../image_buffer.js';
import type { WorkerSpec } from '../worker_spec.js';

/** torchvision's common dataset options. */
export interface VisionDatasetOptions {
  transform?: ((img: Image) => unknown) | null;
  targetTransform?: ((target: number) => unknown) | null;
}

/**
 * Binds `new Dataset(root, ...rest)` to the dataset's declaration (torchvision's parameter list,
 * positional or as one options object); returns `[root, options]`, the options being what the
 * dataset keeps and replays in worker threads.
 */
export function bindDatasetArgs<O>(decl: Declaration, root: string, rest: readonly unknown[]): [string, O] {
  const { root: r, ...options } = parseArgs(decl, [root, ...rest]);
  return [r as string, options as O];
}

/**
 * Base of the built-in datasets (torchvision's `VisionDataset`): items are `[image, target]` after
 * the optional transforms. A dataset that must download first is usable once `ready` resolves;
 * the DataLoader awaits it.
 */
export abstract class VisionDataset<O extends VisionDatasetOptions = VisionDatasetOptions> extends Dataset<[unknown, unknown]> {
  readonly transform: ((img: Image) => unknown) | undefined;
  readonly targetTransform: ((target: number) => unknown) | undefined;
  /** Resolves when the data is on disk and loaded. */
  readonly ready: Promise<void>;
  private loaded = false;

  constructor(readonly root: string, readonly options: O) {
    super();
    this.transform = options.transform ?? undefined;
    this.targetTransform = options.targetTransform ?? undefined;
    const r = this.init();
    if (r instanceof Promise) {
      this.ready = r.then(() => { this.loaded = true; });
      // The error is reported to whoever awaits `ready` (the DataLoader does).
      this.ready.catch(() => {});
    } else {
      this.loaded = true;
      this.ready = Promise.resolve();
    }
  }

  protected checkLoaded(): void {
    if (!this.loaded) throw new RuntimeError(`${this.constructor.name} is still downloading: await dataset.ready first`);
  }

  /**
   * Finds and reads the files (or starts the download). Runs inside the base constructor, so
   * subclasses keep what it sets in `declare`d fields.
   */
  protected abstract init(): Promise<void> | void;

  /** The raw image and integer target of item `index`. */
  protected abstract raw(index: number): [Image, number];

  getItem(index: number): [unknown, unknown] {
    this.checkLoaded();
    const [img, target] = this.raw(index);
    return [this.transform ? this.transform(img) : img, this.targetTransform ? this.targetTransform(target) : target];
  }

  /** Rebuilt in a worker from the same root and options (never downloading there). */
  workerSpec(): WorkerSpec {
    return { module: import.meta.url.replace(/vision\.(ts|js)$/, 'index.$1'), name: this.constructor.name, args: [this.root, { ...this.options, download: false }] };
  }
}

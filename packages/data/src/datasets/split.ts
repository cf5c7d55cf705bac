import { checkIndex } from '../dataset.js';
import { type Image, makeImage } from '../image_buffer.js';
import type { Args } from '@flambeau/tensor';
import { VisionDataset, type VisionDatasetOptions } from './vision.js';

/** Options of the datasets that come as a train and a test split and can download them. */
export interface SplitDatasetOptions extends VisionDatasetOptions {
  train?: boolean;
  download?: boolean;
  /** Base URLs tried in order when downloading (default: the class's `mirrors`). */
  mirrors?: readonly string[] | null;
}

/** torchvision's parameters after `root` of MNIST, FashionMNIST, CIFAR10 and CIFAR100, then Flambeau's `mirrors`. */
export const SPLIT_PARAMS = 'bool train=True, Callable? transform=None, Callable? targetTransform=None, bool download=False, *, str[]? mirrors=None';
/** Their constructor's tail, positional in torchvision's order or as one options object. */
export type SplitArgs<O> = Args<[train: boolean, transform: VisionDatasetOptions['transform'], targetTransform: VisionDatasetOptions['targetTransform'], download: boolean], O>;

/**
 * Base of MNIST and CIFAR: one split held in memory as a byte buffer of same-size HWC images and
 * a byte label per image, as torchvision's `data` and `targets`.
 */
export abstract class SplitDataset<O extends SplitDatasetOptions> extends VisionDataset<O> {
  readonly train: boolean;
  // Set by `load`, which runs inside super(): `declare` keeps field initialisers from resetting them.
  /** All images as one byte buffer, `[N, H, W]` or `[N, H, W, C]` (torchvision's `data`). */
  declare data: Uint8Array;
  /** Labels, one per image (torchvision's `targets`). */
  declare targets: Uint8Array;
  /** Height, width and channels of every image. */
  protected abstract readonly imageShape: readonly [number, number, number];

  constructor(root: string, options: O) {
    super(root, options);
    this.train = options.train ?? true;
  }

  get length(): number {
    this.checkLoaded();
    return this.targets.length;
  }

  protected raw(index: number): [Image, number] {
    const i = checkIndex(index, this.targets.length);
    const [h, w, c] = this.imageShape, px = h * w * c;
    return [makeImage(h, w, c, this.data.slice(i * px, (i + 1) * px)), this.targets[i]];
  }
}

import { type Stats, existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { type Args, RuntimeError, declare } from '@flambeau/tensor';
import { checkIndex } from '../dataset.js';
import { type Image, convertImage, loadImage } from '../image.js';
import { VisionDataset, type VisionDatasetOptions, bindDatasetArgs } from './vision.js';

/** Extensions decoded here (PNG via pngjs, JPEG via jpeg-js). */
export const IMG_EXTENSIONS = ['.jpg', '.jpeg', '.png'];

/** `stat` that follows links; null for a dangling link or a link loop (os.walk's view of them). */
function statOrNull(p: string): Stats | null {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}

const IMAGE_FOLDER = declare('datasets.ImageFolder', 'ImageFolder(str root, Callable? transform=None, Callable? targetTransform=None, Callable? loader=None, Callable? isValidFile=None)');

export interface ImageFolderOptions extends VisionDatasetOptions {
  /** Reads one file (default: decode it as an RGB Image, torchvision's `default_loader`). */
  loader?: ((path: string) => unknown) | null;
  /** Which files are samples (default: those with an extension in `IMG_EXTENSIONS`). */
  isValidFile?: ((path: string) => boolean) | null;
}

/**
 * `torchvision.datasets.ImageFolder(root, transform=None, target_transform=None, loader=default_loader, is_valid_file=None)`: one sub-folder
 * per class (`root/dog/xxx.png`), classes sorted by name, files sorted within each class. Images
 * load as RGB, like torchvision's PIL loader. Symbolic links are followed (`os.walk(...,
 * followlinks=True)`), each real folder once so a link loop ends; a dangling link or a link loop
 * with an image extension is listed and fails only when that item is loaded, as in torchvision.
 *
 * @example
 * const ds = new ImageFolder('./pets', new transforms.ToTensor());
 * const csv = new ImageFolder('./tables', { loader: (p) => readFileSync(p, 'utf8'), isValidFile: (p) => p.endsWith('.csv') });
 */
export class ImageFolder extends VisionDataset<ImageFolderOptions> {
  declare classes: string[];
  declare classToIdx: Record<string, number>;
  /** `[path, classIndex]` pairs (torchvision's `samples` / `imgs`). */
  declare samples: [string, number][];
  declare targets: number[];

  constructor(root: string, ...rest: Args<[transform: ImageFolderOptions['transform'], targetTransform: ImageFolderOptions['targetTransform'], loader: ImageFolderOptions['loader'], isValidFile: ImageFolderOptions['isValidFile']], ImageFolderOptions>) {
    super(...bindDatasetArgs<ImageFolderOptions>(IMAGE_FOLDER, root, rest));
  }

  protected init(): void {
    const root = this.root;
    const isValidFile = this.options.isValidFile ?? ((p: string) => IMG_EXTENSIONS.includes(extname(p).toLowerCase()));
    {
      if (!existsSync(root)) throw new RuntimeError(`Couldn't find any class folder in ${root}.`);
      const classes = readdirSync(root).filter((d) => statOrNull(join(root, d))?.isDirectory()).sort();
      if (classes.length === 0) throw new RuntimeError(`Couldn't find any class folder in ${root}.`);
      const samples: [string, number][] = [];
      const empty: string[] = [];
      classes.forEach((c, idx) => {
        const before = samples.length;
        const seen = new Set<string>();
        const walk = (dir: string) => {
          const real = realpathSync(dir);
          if (seen.has(real)) return;
          seen.add(real);
          for (const name of readdirSync(dir).sort()) {
            const p = join(dir, name);
            if (statOrNull(p)?.isDirectory()) walk(p);
            else if (isValidFile(p)) samples.push([p, idx]);
          }
        };
        walk(join(root, c));
        if (samples.length === before) empty.push(c);
      });
      if (empty.length > 0) {
        const supported = this.options.isValidFile ? '' : `Supported extensions are: ${IMG_EXTENSIONS.join(', ')}`;
        throw new RuntimeError(`Found no valid file for the classes ${empty.join(', ')}. ${supported}`);
      }
      this.classes = classes;
      this.classToIdx = Object.fromEntries(classes.map((c, i) => [c, i]));
      this.samples = samples;
      this.targets = samples.map((s) => s[1]);
    }
  }

  get imgs(): [string, number][] { return this.samples; }
  get length(): number { return this.samples.length; }

  protected raw(index: number): [Image, number] {
    const [path, target] = this.samples[checkIndex(index, this.samples.length)];
    const loader = this.options.loader;
    // A custom loader may return anything; the transform receives it as torchvision's does.
    return [loader ? (loader(path) as Image) : convertImage(loadImage(path), 'RGB'), target];
  }
}

import { declare, parseArgs } from '@flambeau/tensor';
import { type Image, isImage } from '../image_buffer.js';
import { Normalize, ToTensor } from './conversion.js';
import { Transform } from './transform.js';

const COMPOSE = declare('transforms.Compose', 'Compose(Any[] transforms)');

/** `Compose([t1, t2, …])`: applies the transforms in order. Plain functions are allowed (numWorkers: 0 only). */
export class Compose extends Transform {
  static override readonly __name__: string = 'Compose';
  readonly transforms: ((x: any) => any)[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  constructor(...args: [transforms: ((x: any) => any)[]] | [{ transforms: ((x: any) => any)[] }]) { // eslint-disable-line @typescript-eslint/no-explicit-any
    super(...args);
    ({ transforms: this.transforms } = parseArgs(COMPOSE, args));
  }
  forward(x: unknown): unknown {
    const ts = this.transforms;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i], next = ts[i + 1];
      // ToTensor followed by Normalize runs as one table lookup per byte (same values).
      if (next !== undefined && t instanceof ToTensor && next instanceof Normalize && isImage(x)) {
        x = next.fromImage(x as Image);
        i++;
      } else {
        x = (t as (v: unknown) => unknown)(x);
      }
    }
    return x;
  }
  override toString(): string {
    return `Compose(\n${this.transforms.map((t) => `    ${t instanceof Transform ? t.toString() : 'function'}`).join('\n')}\n)`;
  }
}

/**
 * The trainer's models: the seed programs' networks (examples/ import them from here) plus an MLP
 * and a small ResNet. Every model takes 32×32 images; `channels` is what its first layer expects.
 */
import type { nn } from 'flambeau';
import { CNNNet } from './cnnnet.js';
import { Net as LeNet } from './lenet.js';
import { MLP } from './mlp.js';
import { ResNet8 } from './resnet8.js';
import { CNN, Net as Seed000Net, SimpleCNN } from './seed000.js';
import { Yk } from './yk.js';

export { CNNNet, LeNet, MLP, ResNet8, CNN, Seed000Net, SimpleCNN, Yk };

export interface ModelSpec {
  /** Input channels the model's first layer takes (datasets are converted to it); null: any. */
  channels: number | null;
  /** The seed the model comes from, for `--help`. */
  about: string;
  create(channels: number, numClasses: number): nn.Module;
}

/** Input height and width of every model. */
export const IMAGE_SIZE = 32;

export const MODELS: Record<string, ModelSpec> = {
  lenet: { channels: 1, about: 'LeNet of seed 003 (the 60-minute blitz)', create: (_c, k) => new LeNet(k) },
  simplecnn: { channels: 3, about: 'SimpleCNN of seed 000', create: (_c, k) => new SimpleCNN(k) },
  cnn: { channels: 1, about: 'CNN of seed 000', create: (_c, k) => new CNN(k) },
  net: { channels: 3, about: 'Net of seed 000 (one convolution, one linear layer)', create: (_c, k) => new Seed000Net(k) },
  cnnnet: { channels: 3, about: 'CNNNet of seed 001 (76 922 parameters)', create: (_c, k) => new CNNNet(k) },
  yk: { channels: 3, about: 'Yk of seed 002 (Sequential)', create: (_c, k) => new Yk(k) },
  mlp: { channels: null, about: 'a 256-128 MLP', create: (c, k) => new MLP(c * IMAGE_SIZE * IMAGE_SIZE, k) },
  resnet8: { channels: null, about: 'a small ResNet (3 basic blocks, batch norm)', create: (c, k) => new ResNet8(c, k) },
};

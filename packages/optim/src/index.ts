/**
 * `@flambeau/optim` — PyTorch's `torch.optim`: optimizers with PyTorch 1.13's update rules, and the
 * `lrScheduler` namespace (`torch.optim.lr_scheduler`).
 *
 * @example
 * import { SGD, lrScheduler } from '@flambeau/optim';
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * const sched = new lrScheduler.StepLR(opt, 30, { gamma: 0.1 });
 *
 * @module @flambeau/optim
 */
export { Optimizer, type Loss, type OptimizerStateDict, type ParamGroup, type ParamGroupInput, type ParamState, type Params, type StateValue } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, type AdamOptions } from './adam.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { Adamax, type AdamaxOptions } from './adamax.js';
export { NAdam, type NAdamOptions } from './nadam.js';
export { RAdam, type RAdamOptions } from './radam.js';
export { LBFGS, type LBFGSOptions } from './lbfgs.js';
export * as lrScheduler from './lr_scheduler/index.js';

/** Optimizer configurations the fused-step tests run (the CPU's in fused_steps.test.ts, webgpu's in packages/backend-webgpu). */
export const CASES: [string, Record<string, unknown>][] = [
  ['SGD', { lr: 0.1 }],
  ['SGD', { lr: 0.05, weightDecay: 0.1, maximize: true }],
  ['SGD', { lr: 0.1, momentum: 0.9 }],
  ['SGD', { lr: 0.1, momentum: 0.9, dampening: 0.3, weightDecay: 0.01 }],
  ['SGD', { lr: 0.1, momentum: 0.8, nesterov: true, weightDecay: 1 }],
  ['Adam', {}],
  ['Adam', { lr: 0.01, betas: [0.8, 0.99], weightDecay: 0.1, eps: 1e-6 }],
  ['Adam', { lr: 0.01, amsgrad: true, maximize: true }],
  ['Adam', { lr: 0.01, betas: [0, 0.5] }],
  ['AdamW', { lr: 0.01 }],
  ['AdamW', { lr: 0.02, weightDecay: 0.3, amsgrad: true }],
  ['RMSprop', {}],
  ['RMSprop', { lr: 0.01, alpha: 0.9, weightDecay: 0.1, maximize: true }],
  ['RMSprop', { lr: 0.01, momentum: 0.9 }],
  ['RMSprop', { lr: 0.01, centered: true, momentum: 0.5, eps: 1e-4 }],
];

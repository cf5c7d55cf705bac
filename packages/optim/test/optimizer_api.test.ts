import { describe, expect, it } from 'vitest';
import { DTypeError, ValueError, tensor, zeros } from '@flambeau/tensor';
import { Adadelta, Adagrad, Adam, AdamW, Adamax, LBFGS, NAdam, RAdam, RMSprop, SGD, lrScheduler } from '../src/index.js';

const param = (n = 2) => zeros(n).requiresGrad_();

describe('argument checks (PyTorch messages, no NaN)', () => {
  it('rejects a negative or NaN learning rate', () => {
    for (const Cls of [Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, NAdam, RAdam]) {
      expect(() => new Cls([param()], { lr: -0.1 })).toThrow('Invalid learning rate: -0.1');
    }
    expect(() => new SGD([param()], { lr: -0.1 })).toThrow(ValueError);
    expect(() => new SGD([param()], { lr: -0.1 })).toThrow('Invalid learning rate: -0.1');
    expect(() => new Adam([param()], { lr: NaN })).toThrow('Invalid learning rate: NaN');
  });

  it('rejects betas outside [0, 1)', () => {
    expect(() => new Adam([param()], { betas: [1.5, 0.9] })).toThrow('Invalid beta parameter at index 0: 1.5');
    expect(() => new AdamW([param()], { betas: [0.9, 1] })).toThrow('Invalid beta parameter at index 1: 1');
    expect(() => new NAdam([param()], { betas: [-0.1, 0.9] })).toThrow('Invalid beta parameter at index 0: -0.1');
  });

  it('rejects other bad options', () => {
    expect(() => new SGD([param()], { lr: 0.1, momentum: -1 })).toThrow('Invalid momentum value: -1');
    expect(() => new SGD([param()], { lr: 0.1, nesterov: true })).toThrow('Nesterov momentum requires a momentum and zero dampening');
    expect(() => new Adam([param()], { eps: -1 })).toThrow('Invalid epsilon value: -1');
    expect(() => new Adam([param()], { weightDecay: -1 })).toThrow('Invalid weight_decay value: -1');
    expect(() => new Adadelta([param()], { rho: 1.5 })).toThrow('Invalid rho value: 1.5');
    expect(() => new RMSprop([param()], { alpha: -1 })).toThrow('Invalid alpha value: -1');
    expect(() => new Adagrad([param()], { lrDecay: -1 })).toThrow('Invalid lr_decay value: -1');
  });

  it('rejects empty, duplicated and non-leaf parameters', () => {
    expect(() => new SGD([], { lr: 0.1 })).toThrow('optimizer got an empty parameter list');
    const p = param();
    expect(() => new SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 })).toThrow('some parameters appear in more than one parameter group');
    expect(() => new SGD(p as never, { lr: 0.1 })).toThrow('params argument given to the optimizer should be an iterable of Tensors or dicts');
    const nonLeaf = p.add(1);
    nonLeaf.gradFn = { name: 'AddBackward0' };
    expect(() => new SGD([nonLeaf], { lr: 0.1 })).toThrow("can't optimize a non-leaf Tensor");
  });

  it('requires an lr for SGD in every group', () => {
    expect(() => new SGD([param()], {} as never)).toThrow("parameter group didn't specify a value of required optimization parameter lr");
    const opt = new SGD([{ params: [param()], lr: 0.5 }], {} as never);
    expect(opt.paramGroups[0].lr).toBe(0.5);
  });
});

describe('param groups, zeroGrad, step', () => {
  it('fills group defaults and accepts generators and single tensors', () => {
    const a = param();
    const b = param();
    function* gen() { yield a; }
    const opt = new SGD(gen(), { lr: 0.1, momentum: 0.9 });
    opt.addParamGroup({ params: b, lr: 0.01 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum, g.params.length])).toEqual([[0.1, 0.9, 1], [0.01, 0.9, 1]]);
    expect(() => opt.addParamGroup({ params: [a] })).toThrow('some parameters appear in more than one parameter group');
  });

  it('zeroGrad drops gradients by default and zeroes them in place otherwise', () => {
    const p = param();
    const opt = new SGD([p], { lr: 0.1 });
    const g = tensor([1, 2], { dtype: 'float32' });
    p.grad = g;
    opt.zeroGrad({ setToNone: false });
    expect(p.grad).toBe(g);
    expect(Array.from(g.dataSync())).toEqual([0, 0]);
    opt.zeroGrad();
    expect(p.grad).toBeNull();
  });

  it('step returns what the closure returns and skips params without grad', () => {
    const p = param();
    const q = param();
    const opt = new Adam([p, q], { lr: 0.1 });
    const loss = opt.step(() => {
      p.grad = tensor([1, -1], { dtype: 'float32' });
      return 42;
    });
    expect(loss).toBe(42);
    expect(Array.from(p.dataSync()).map((x) => Math.round(x * 1e6) / 1e6)).toEqual([-0.1, 0.1]);
    expect(Array.from(q.dataSync())).toEqual([0, 0]);
    expect(opt.state.has(q)).toBe(false);
    expect(Object.keys(opt.state.get(p)!).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'step']);
  });

  it('stateDict uses PyTorch layout', () => {
    const p = param();
    const q = param();
    const opt = new SGD([{ params: [p] }, { params: [q], lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
    p.grad = tensor([1, 1], { dtype: 'float32' });
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0']);
    expect(Object.keys(sd.state[0])).toEqual(['momentum_buffer']);
    expect(sd.param_groups.map((g) => [g.params, g.lr])).toEqual([[[0], 0.1], [[1], 0.5]]);
    expect(() => new SGD([p, q], { lr: 0.1 }).loadStateDict(sd)).toThrow('loaded state dict has a different number of parameter groups');
  });

  it('loadStateDict casts state to the parameter dtype', () => {
    const p = param();
    const opt = new Adam([p]);
    p.grad = tensor([1, 1], { dtype: 'float32' });
    opt.step();
    const p64 = zeros(2, { dtype: 'float64' }).requiresGrad_();
    const opt64 = new Adam([p64]);
    opt64.loadStateDict(opt.stateDict());
    const s = opt64.state.get(p64)!;
    expect((s.exp_avg as ReturnType<typeof zeros>).dtype).toBe('float64');
    expect(s.step).toBe(1);
  });
});

describe('LBFGS', () => {
  it('needs a closure and a single group', () => {
    const p = param();
    const opt = new LBFGS([p]) as unknown as { step(): unknown };
    expect(() => opt.step()).toThrow("step() missing 1 required positional argument: 'closure'");
    expect(() => new LBFGS([{ params: [p] }, { params: [param()] }])).toThrow("LBFGS doesn't support per-parameter options (parameter groups)");
  });

  it('minimises a quadratic with a closure returning a number', () => {
    const p = tensor([3, -2], { dtype: 'float64' }).requiresGrad_();
    const opt = new LBFGS([p], { lineSearchFn: 'strong_wolfe' });
    const closure = () => {
      const x = p.detach();
      p.grad = x.sub(tensor([1, 2], { dtype: 'float64' })).mul(2);
      return x.sub(tensor([1, 2], { dtype: 'float64' })).square().sum().itemSync();
    };
    const first = opt.step(closure);
    expect(first).toBe(20);
    expect(Array.from(p.dataSync()).map((x) => Math.round(x * 1e6) / 1e6)).toEqual([1, 2]);
  });
});

describe('scheduler argument checks', () => {
  const opt = () => new SGD([param()], { lr: 0.1, momentum: 0.9 });
  it('throws PyTorch messages', () => {
    expect(() => new lrScheduler.ConstantLR(opt(), { factor: 2 })).toThrow('Constant multiplicative factor expected to be between 0 and 1.');
    expect(() => new lrScheduler.LinearLR(opt(), { startFactor: -1 })).toThrow('Starting multiplicative factor expected to be between 0 and 1.');
    expect(() => new lrScheduler.OneCycleLR(opt(), 0.1)).toThrow('You must define either total_steps OR (epochs AND steps_per_epoch)');
    expect(() => new lrScheduler.ReduceLROnPlateau(opt(), { factor: 1 })).toThrow('Factor should be < 1.0.');
    expect(() => new lrScheduler.CosineAnnealingWarmRestarts(opt(), 0)).toThrow('Expected positive integer T_0, but got 0');
    expect(() => new lrScheduler.CyclicLR(new Adam([param()]), 0.01, 0.1)).toThrow('optimizer must support momentum with `cycle_momentum` option enabled');
    expect(() => new lrScheduler.StepLR(opt(), 1, { lastEpoch: 3 })).toThrow("param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer");
    const o = opt();
    const s = new lrScheduler.OneCycleLR(o, 0.1, { totalSteps: 2 });
    s.step();
    s.step();
    expect(() => s.step()).toThrow('Tried to step 4 times. The specified number of total steps is 2');
  });

  it('records initialLr and excludes functions from stateDict', () => {
    const o = opt();
    const s = new lrScheduler.LambdaLR(o, (e) => 1 / (e + 1));
    expect((o.paramGroups[0] as Record<string, unknown>).initialLr).toBe(0.1);
    const sd = s.stateDict();
    expect(sd).not.toHaveProperty('lrLambdas');
    expect(sd).not.toHaveProperty('optimizer');
    expect(sd.lastEpoch).toBe(0);
  });
});

describe('argument kinds (TypeError-like DTypeError naming the argument, never NaN learning rates)', () => {
  const opt = () => new SGD([param()], { lr: 0.1, momentum: 0.9 });
  const bad = (f: () => unknown, message: string) => {
    expect(f).toThrow(DTypeError);
    expect(f).toThrow(message);
  };

  it('rejects unknown option names, listing the valid ones, and wrong kinds of values', () => {
    // SGD, Adam, AdamW and RMSprop bind their arguments to PyTorch's declaration (PyTorch's TypeError wording).
    bad(() => new SGD([param()], { learningRate: 0.1 } as never), "SGD() got an unexpected keyword argument 'learningRate'");
    bad(() => new Adam([param()], { weight_decay: 0.1 } as never), "Adam() got an unexpected keyword argument 'weight_decay'. Did you mean 'weightDecay'?");
    bad(() => new SGD([param()], { lr: '0.1' } as never), "SGD(): argument 'lr' must be float, not str");
    bad(() => new SGD([param()], { lr: 0.1, nesterov: 1 } as never), "SGD(): argument 'nesterov' must be bool, not int");
    bad(() => new Adam([param()], { betas: 0.9 } as never), "Adam: argument 'betas' must be an array of numbers, but got number 0.9");
    bad(() => new RMSprop([param()], { alpha: tensor(0.9) } as never), "RMSprop(): argument 'alpha' must be float, not Tensor");
    bad(() => new LBFGS([param()], { lineSearchFn: 3 } as never), "LBFGS(): argument 'lineSearchFn' must be str, not int");
    expect(new Adagrad([param()], 0.1).paramGroups[0].lr).toBe(0.1);
    expect(new LBFGS([param()], 1, 5).paramGroups[0].maxEval).toBe(6);
    for (const Cls of [Adagrad, Adadelta, Adamax, NAdam, RAdam, LBFGS, Adam, AdamW, RMSprop]) {
      bad(() => new Cls([param()], { learningRate: 1 } as never), `${Cls.name}() got an unexpected keyword argument 'learningRate'`);
      bad(() => new Cls([param()], { lr: { lr: 1 } } as never), `${Cls.name}(): argument 'lr' must be float, not dict`);
    }
  });

  it('checks the kinds of a parameter group\'s options but keeps its extra keys', () => {
    bad(() => new SGD([{ params: [param()], lr: [0.1] } as never], { lr: 0.1 }), "SGD parameter group: argument 'lr' must be a number, but got array [0.1]");
    const o = opt();
    bad(() => o.addParamGroup({ params: [param()], momentum: '0.5' } as never), "SGD parameter group: argument 'momentum' must be a number");
    o.addParamGroup({ params: [param()], name: 'head' } as never);
    expect((o.paramGroups[1] as unknown as { name: string }).name).toBe('head');
  });

  it('checks every scheduler\'s positional arguments and option names', () => {
    // Every scheduler binds its arguments to PyTorch's declaration: positional or by name.
    expect(new lrScheduler.StepLR(opt(), { stepSize: 3 }).stepSize).toBe(3);
    expect(new lrScheduler.StepLR(opt(), 3, 0.5).gamma).toBe(0.5);
    bad(() => new lrScheduler.StepLR(opt(), 2, { gama: 0.5 } as never), "StepLR() got an unexpected keyword argument 'gama'. Did you mean 'gamma'?");
    bad(() => new lrScheduler.StepLR(opt(), 2, { gamma: '0.5' } as never), "StepLR(): argument 'gamma' must be float, not str");
    bad(() => new lrScheduler.StepLR(opt(), 2, { stepSize: 2 } as never), "StepLR() got multiple values for argument 'stepSize'");
    bad(() => new lrScheduler.StepLR(opt()), "StepLR() missing 1 required positional argument: 'stepSize'");
    bad(() => new lrScheduler.MultiStepLR(opt(), 30 as never), "MultiStepLR: argument 'milestones' must be an array of numbers, but got number 30");
    bad(() => new lrScheduler.ExponentialLR(opt(), { gamma: '0.9' } as never), "ExponentialLR(): argument 'gamma' must be float, not str");
    bad(() => new lrScheduler.CosineAnnealingLR(opt(), '10' as never), "CosineAnnealingLR(): argument 'TMax' must be int, not str");
    bad(() => new lrScheduler.CosineAnnealingLR(opt(), 10, { eta_min: 0 } as never), "CosineAnnealingLR() got an unexpected keyword argument 'eta_min'. Did you mean 'etaMin'? (Flambeau spells keyword arguments in camelCase)");
    bad(() => new lrScheduler.CosineAnnealingWarmRestarts(opt(), 10, { TMult: null } as never), "CosineAnnealingWarmRestarts(): argument 'TMult' must be float, not NoneType");
    bad(() => new lrScheduler.ConstantLR(opt(), { factor: 0.5, total_iters: 3 } as never), "ConstantLR() got an unexpected keyword argument 'total_iters'. Did you mean 'totalIters'?");
    bad(() => new lrScheduler.LinearLR(opt(), { startFactor: [0.1] } as never), "LinearLR(): argument 'startFactor' must be float, not list");
    bad(() => new lrScheduler.LambdaLR(opt(), 0.95 as never), "LambdaLR: argument 'lrLambda' must be a function or an array of functions (one per parameter group), but got number 0.95");
    bad(() => new lrScheduler.MultiplicativeLR(opt(), () => 0.9, { last_epoch: 1 } as never), "MultiplicativeLR() got an unexpected keyword argument 'last_epoch'. Did you mean 'lastEpoch'?");
    bad(() => new lrScheduler.CyclicLR(opt(), 0.01, '0.1' as never), "CyclicLR(): argument 'maxLr' must be tuple of floats, not str");
    bad(() => new lrScheduler.CyclicLR(opt(), 0.01, 0.1, { stepSizeUp: '2000' } as never), "CyclicLR(): argument 'stepSizeUp' must be float, not str");
    bad(() => new lrScheduler.OneCycleLR(opt(), 0.1, { total_steps: 10 } as never), "OneCycleLR() got an unexpected keyword argument 'total_steps'");
    bad(() => new lrScheduler.OneCycleLR(opt(), 0.1, { totalSteps: 10, threePhase: 'yes' } as never), "OneCycleLR(): argument 'threePhase' must be bool, not str");
    bad(() => new lrScheduler.ReduceLROnPlateau(opt(), { patience: '5' } as never), "ReduceLROnPlateau(): argument 'patience' must be int, not str");
    bad(() => new lrScheduler.ReduceLROnPlateau(opt(), { verbose: true } as never), "ReduceLROnPlateau() got an unexpected keyword argument 'verbose'");
    expect(new lrScheduler.ReduceLROnPlateau(opt(), 'max', 0.5).factor).toBe(0.5);
    const o = opt();
    const warm = new lrScheduler.LinearLR(o, { totalIters: 2 });
    bad(() => new lrScheduler.SequentialLR(o, [warm], 2 as never), "SequentialLR: argument 'milestones' must be an array of numbers");
    bad(() => new lrScheduler.SequentialLR(o, [warm, 'x'] as never, [2]), "SequentialLR: argument 'schedulers' must be a non-empty array of LRScheduler");
    bad(() => new lrScheduler.ChainedScheduler(warm as never), "ChainedScheduler: argument 'schedulers' must be a non-empty array of LRScheduler");
    bad(() => new lrScheduler.StepLR({ paramGroups: [] } as never, 2), 'StepLR: Object {"paramGroups":[]} is not an Optimizer');
    bad(() => new lrScheduler.ReduceLROnPlateau(null as never), 'ReduceLROnPlateau: null is not an Optimizer');
    // Well-formed calls are untouched, and learning rates stay numbers.
    const s = new lrScheduler.StepLR(o, 1, { gamma: 0.5 });
    s.step();
    expect(s.getLastLr().every((lr) => Number.isFinite(lr))).toBe(true);
  });
});

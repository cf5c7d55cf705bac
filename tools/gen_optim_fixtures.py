"""Writes packages/optim/test/fixtures/{optimizers,schedulers}.json from PyTorch 1.13.

Run with /usr/bin/python3 (Debian python3-torch). Optimizer fixtures use a fixed problem whose
gradient is computed with tensor ops (no autograd), so the TypeScript tests can do the same:
    x = cat(w.flatten(), v);  f(x) = 0.5 x^T A x - b^T x + 0.1 sum(x^4);  grad = A x - b + 0.4 x^3
"""
import json
import math
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'packages', 'optim', 'test', 'fixtures')
N = 10  # w is 2x3, v is 4
STEPS = 20


def problem():
    g = torch.Generator().manual_seed(1234)
    m = torch.rand(N, N, generator=g, dtype=torch.float64) - 0.5
    a = m @ m.T + 0.5 * torch.eye(N, dtype=torch.float64)
    b = torch.rand(N, generator=g, dtype=torch.float64) - 0.5
    x0 = torch.rand(N, generator=g, dtype=torch.float64) * 2 - 1
    return a, b, x0


def loss_and_grad(a, b, w, v):
    x = torch.cat([w.reshape(-1), v])
    loss = 0.5 * x.dot(a.matmul(x)) - b.dot(x) + 0.1 * x.pow(4).sum()
    g = a.matmul(x) - b + 0.4 * x.pow(3)
    return loss, g[:6].reshape(2, 3), g[6:]


# name, class, options (PyTorch keyword names), group-1 overrides (v in its own group) or None
CASES = [
    ('sgd_plain', 'SGD', dict(lr=0.05), None),
    ('sgd_momentum', 'SGD', dict(lr=0.05, momentum=0.9), None),
    ('sgd_nesterov', 'SGD', dict(lr=0.05, momentum=0.9, nesterov=True), None),
    ('sgd_weight_decay', 'SGD', dict(lr=0.05, momentum=0.5, weight_decay=0.1), None),
    ('sgd_dampening', 'SGD', dict(lr=0.05, momentum=0.8, dampening=0.3), None),
    ('sgd_maximize', 'SGD', dict(lr=0.01, maximize=True), None),
    ('sgd_groups', 'SGD', dict(lr=0.05, momentum=0.9), dict(lr=0.01, momentum=0.5)),
    ('adam_plain', 'Adam', dict(lr=0.05), None),
    ('adam_amsgrad', 'Adam', dict(lr=0.05, amsgrad=True, betas=(0.8, 0.9)), None),
    ('adam_weight_decay', 'Adam', dict(lr=0.05, weight_decay=0.1), None),
    ('adam_maximize', 'Adam', dict(lr=0.01, maximize=True), None),
    ('adamw_plain', 'AdamW', dict(lr=0.05), None),
    ('adamw_amsgrad', 'AdamW', dict(lr=0.05, weight_decay=0.1, amsgrad=True), None),
    ('rmsprop_plain', 'RMSprop', dict(lr=0.01), None),
    ('rmsprop_centered', 'RMSprop', dict(lr=0.01, centered=True, weight_decay=0.05), None),
    ('rmsprop_momentum', 'RMSprop', dict(lr=0.01, momentum=0.9, alpha=0.9), None),
    ('rmsprop_centered_momentum', 'RMSprop', dict(lr=0.01, momentum=0.5, centered=True, maximize=True), None),
    ('adagrad_plain', 'Adagrad', dict(lr=0.1), None),
    ('adagrad_decay', 'Adagrad', dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.1, weight_decay=0.01), None),
    ('adadelta_plain', 'Adadelta', dict(), None),
    ('adadelta_options', 'Adadelta', dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.1), None),
    ('adamax_plain', 'Adamax', dict(lr=0.05), None),
    ('adamax_weight_decay', 'Adamax', dict(lr=0.05, weight_decay=0.1, betas=(0.8, 0.99)), None),
    ('nadam_plain', 'NAdam', dict(lr=0.03), None),
    ('nadam_options', 'NAdam', dict(lr=0.05, momentum_decay=0.01, weight_decay=0.1), None),
    ('radam_plain', 'RAdam', dict(lr=0.05), None),
    ('radam_weight_decay', 'RAdam', dict(lr=0.05, weight_decay=0.1, betas=(0.9, 0.9)), None),
    ('lbfgs_plain', 'LBFGS', dict(lr=0.5, max_iter=4, history_size=5), None),
    ('lbfgs_strong_wolfe', 'LBFGS', dict(lr=1, max_iter=3, history_size=5, tolerance_change=1e-6, line_search_fn='strong_wolfe'), None),
]


def camel(name):
    head, *rest = name.split('_')
    return head + ''.join(p[:1].upper() + p[1:] for p in rest)


def jsonable(opts):
    return {camel(k): (list(v) if isinstance(v, tuple) else v) for k, v in opts.items()}


def run_case(cls_name, opts, group1, dtype):
    a, b, x0 = problem()
    a, b = a.to(dtype), b.to(dtype)
    w = x0[:6].reshape(2, 3).to(dtype).clone().requires_grad_()
    v = x0[6:].to(dtype).clone().requires_grad_()
    frozen = torch.ones(3, dtype=dtype, requires_grad=True)  # never gets a grad: must be skipped
    cls = getattr(torch.optim, cls_name)
    if group1 is None:
        params = [w, v, frozen]
    else:
        params = [{'params': [w, frozen]}, {'params': [v], **group1}]
    opt = cls(params, **opts)

    def closure():
        opt.zero_grad()
        with torch.no_grad():
            loss, gw, gv = loss_and_grad(a, b, w, v)
        w.grad, v.grad = gw, gv
        return loss

    traj, losses = [], []
    for _ in range(STEPS):
        if cls_name == 'LBFGS':
            loss = opt.step(closure)
        else:
            loss = closure()
            opt.step()
        losses.append(float(loss))
        traj.append(torch.cat([w.detach().reshape(-1), v.detach()]).double().tolist())
        assert all(math.isfinite(x) for x in traj[-1])
    assert frozen.detach().eq(1).all()
    out = {'trajectory': traj, 'losses': losses}
    if cls_name == 'LBFGS':
        out['funcEvals'] = opt.state[w]['func_evals']
    return out


def optimizer_fixtures():
    a, b, x0 = problem()
    cases = []
    for name, cls_name, opts, group1 in CASES:
        for dtype in (torch.float64, torch.float32):
            case = {
                'name': f'{name}_{str(dtype)[6:]}',
                'optimizer': cls_name,
                'options': jsonable(opts),
                'group1': None if group1 is None else jsonable(group1),
                'dtype': str(dtype)[6:],
            }
            case.update(run_case(cls_name, opts, group1, dtype))
            cases.append(case)
    return {'A': a.tolist(), 'b': b.tolist(), 'x0': x0.tolist(), 'steps': STEPS, 'cases': cases}


# ------------------------------------------------------------------ schedulers

EPOCHS = 30
S = torch.optim.lr_scheduler


def sched_run(make_opt, make_sched, metrics=None):
    opt = make_opt()
    sched = make_sched(opt)
    lrs, moms = [sched.get_last_lr() if hasattr(sched, 'get_last_lr') else [g['lr'] for g in opt.param_groups]], []

    def momenta():
        return [g['betas'][0] if 'betas' in g else g.get('momentum') for g in opt.param_groups]

    moms.append(momenta())
    for epoch in range(EPOCHS):
        opt.step()
        if metrics is not None:
            sched.step(metrics[epoch])
            lrs.append([g['lr'] for g in opt.param_groups])
        else:
            sched.step()
            lrs.append(sched.get_last_lr())
        moms.append(momenta())
    return {'lrs': lrs, 'momentum': moms}


def sgd(lr=0.1, momentum=0.0, groups=1):
    def make():
        ps = [torch.zeros(1, requires_grad=True) for _ in range(groups)]
        return torch.optim.SGD([{'params': [p], 'lr': lr * (i + 1)} for i, p in enumerate(ps)], lr=lr, momentum=momentum)
    return make


def adam(lr=0.1):
    return lambda: torch.optim.Adam([torch.zeros(1, requires_grad=True)], lr=lr)


PLATEAU_METRICS = [1.0, 0.9, 0.8, 0.8, 0.8, 0.85, 0.79, 0.8, 0.8, 0.8, 0.8, 0.7, 0.7, 0.7, 0.7, 0.7,
                   0.7, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]

SCHEDULERS = [
    ('step', sgd(groups=2), lambda o: S.StepLR(o, step_size=7, gamma=0.5), {'stepSize': 7, 'gamma': 0.5}),
    ('multistep', sgd(groups=2), lambda o: S.MultiStepLR(o, milestones=[3, 8, 8, 20], gamma=0.3), {'milestones': [3, 8, 8, 20], 'gamma': 0.3}),
    ('exponential', sgd(), lambda o: S.ExponentialLR(o, gamma=0.9), {'gamma': 0.9}),
    ('cosine', sgd(groups=2), lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001), {'TMax': 10, 'etaMin': 0.001}),
    ('cosine_warm_restarts', sgd(), lambda o: S.CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2, eta_min=0.01), {'T0': 4, 'TMult': 2, 'etaMin': 0.01}),
    ('cosine_warm_restarts_1', sgd(), lambda o: S.CosineAnnealingWarmRestarts(o, T_0=7), {'T0': 7}),
    ('linear', sgd(groups=2), lambda o: S.LinearLR(o, start_factor=0.25, end_factor=0.9, total_iters=8), {'startFactor': 0.25, 'endFactor': 0.9, 'totalIters': 8}),
    ('linear_default', sgd(), lambda o: S.LinearLR(o), {}),
    ('constant', sgd(), lambda o: S.ConstantLR(o, factor=0.4, total_iters=6), {'factor': 0.4, 'totalIters': 6}),
    ('lambda', sgd(groups=2), lambda o: S.LambdaLR(o, lambda e: 0.95 ** e), {'lrLambda': 'pow095'}),
    ('multiplicative', sgd(), lambda o: S.MultiplicativeLR(o, lambda e: 0.9), {'lrLambda': 'const09'}),
    ('onecycle_sgd', sgd(momentum=0.9), lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=31), {'maxLr': 1.0, 'totalSteps': 31}),
    ('onecycle_adam_linear_3phase', adam(), lambda o: S.OneCycleLR(o, max_lr=0.5, epochs=4, steps_per_epoch=8, pct_start=0.25, anneal_strategy='linear', three_phase=True),
     {'maxLr': 0.5, 'epochs': 4, 'stepsPerEpoch': 8, 'pctStart': 0.25, 'annealStrategy': 'linear', 'threePhase': True}),
    ('cyclic_triangular', sgd(momentum=0.9), lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4, step_size_down=6), {'baseLr': 0.01, 'maxLr': 0.1, 'stepSizeUp': 4, 'stepSizeDown': 6}),
    ('cyclic_triangular2', sgd(momentum=0.9), lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, mode='triangular2'), {'baseLr': 0.01, 'maxLr': 0.1, 'stepSizeUp': 3, 'mode': 'triangular2'}),
    ('cyclic_exp_range', sgd(momentum=0.9), lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=5, mode='exp_range', gamma=0.95, cycle_momentum=False), {'baseLr': 0.01, 'maxLr': 0.1, 'stepSizeUp': 5, 'mode': 'exp_range', 'gamma': 0.95, 'cycleMomentum': False}),
    ('sequential', sgd(), lambda o: S.SequentialLR(o, [S.ConstantLR(o, factor=0.5, total_iters=3), S.ExponentialLR(o, gamma=0.9)], milestones=[4]), {}),
    ('sequential_3', sgd(), lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.CosineAnnealingLR(o, T_max=10), S.StepLR(o, step_size=3)], milestones=[5, 15]), {}),
    ('chained', sgd(), lambda o: S.ChainedScheduler([S.ConstantLR(o, factor=0.1, total_iters=2), S.ExponentialLR(o, gamma=0.9)]), {}),
    ('plateau_min', sgd(groups=2), lambda o: S.ReduceLROnPlateau(o, patience=2, factor=0.5, min_lr=[0.01, 0.02]), {'patience': 2, 'factor': 0.5, 'minLr': [0.01, 0.02]}),
    ('plateau_abs_cooldown', sgd(), lambda o: S.ReduceLROnPlateau(o, patience=1, threshold=0.05, threshold_mode='abs', cooldown=2), {'patience': 1, 'threshold': 0.05, 'thresholdMode': 'abs', 'cooldown': 2}),
]


def scheduler_fixtures():
    out = []
    for name, make_opt, make_sched, opts in SCHEDULERS:
        metrics = PLATEAU_METRICS if name.startswith('plateau') else None
        out.append({'name': name, 'options': opts, **sched_run(make_opt, make_sched, metrics)})
    return {'epochs': EPOCHS, 'plateauMetrics': PLATEAU_METRICS, 'cases': out}


if __name__ == '__main__':
    import warnings
    warnings.simplefilter('ignore')
    os.makedirs(OUT, exist_ok=True)
    for fname, data in (('optimizers.json', optimizer_fixtures()), ('schedulers.json', scheduler_fixtures())):
        with open(os.path.join(OUT, fname), 'w') as f:
            json.dump(data, f, separators=(',', ':'))
        print('wrote', fname)

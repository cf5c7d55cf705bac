"""PyTorch 1.13's printed forms of optimizers and of `load_state_dict`'s result, for Flambeau's tests.

Run: /usr/bin/python3 tools/gen_repr_fixtures.py > packages/optim/test/fixtures/reprs.json

`optimizers`: `str(optimizer)` for each optimizer with its defaults, with options given, with two
parameter groups, and after a scheduler added `initial_lr`. `load_state_dict`: `str()` of the
`_IncompatibleKeys` that `Module.load_state_dict` returns.
"""
import json
import sys

import torch
import torch.nn as nn
import torch.optim as optim


def params():
    return [nn.Parameter(torch.ones(2))]


def main():
    cases = []

    def case(name, make, options, groups=None):
        opt = make()
        cases.append({"name": name, "options": options, "groups": groups, "repr": str(opt)})

    defaults_lr = {"SGD": 0.1}
    for cls in ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "LBFGS"):
        kw = {"lr": defaults_lr[cls]} if cls in defaults_lr else {}
        case(cls, lambda: getattr(optim, cls)(params(), **kw), {**kw, "class": cls})
    case("SGD momentum nesterov", lambda: optim.SGD(params(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-4),
         {"class": "SGD", "lr": 0.05, "momentum": 0.9, "nesterov": True, "weightDecay": 1e-4})
    case("Adam betas amsgrad", lambda: optim.Adam(params(), lr=3e-4, betas=(0.8, 0.9), amsgrad=True, weight_decay=1),
         {"class": "Adam", "lr": 3e-4, "betas": [0.8, 0.9], "amsgrad": True, "weightDecay": 1})
    case("SGD two groups", lambda: optim.SGD([{"params": params()}, {"params": params(), "lr": 0.5}], lr=0.1, momentum=0.5),
         {"class": "SGD", "lr": 0.1, "momentum": 0.5}, groups=[{}, {"lr": 0.5}])

    def with_scheduler():
        opt = optim.SGD(params(), lr=0.1)
        optim.lr_scheduler.StepLR(opt, 2, gamma=0.5)
        return opt
    case("SGD with StepLR", with_scheduler, {"class": "SGD", "lr": 0.1, "scheduler": "StepLR"})

    net = nn.Linear(2, 2)
    sd = net.state_dict()
    matched = str(nn.Linear(2, 2).load_state_dict(sd))
    partial = {"weight": sd["weight"], "extra": torch.zeros(1)}
    loose = str(nn.Linear(2, 2).load_state_dict(partial, strict=False))
    json.dump({"torch": torch.__version__, "optimizers": cases,
               "load_state_dict": {"matched": matched, "missing_unexpected": loose}}, sys.stdout, indent=1)


main()

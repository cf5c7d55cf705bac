"""PyTorch 1.13's printed forms of optimizers and of `load_state_dict`'s result, for Flambeau's tests.

Run: /usr/bin/python3 tools/gen_repr_fixtures.py (writes packages/optim/test/fixtures/optimizer_reprs.json
and packages/nn/test/fixtures/module_reprs.json).

`optimizers`: `str(optimizer)` for each optimizer with its defaults, with options given, with two
parameter groups, and after a scheduler added `initial_lr`. `module_reprs`: `str()` of the `_IncompatibleKeys`
that `Module.load_state_dict` returns, and a module whose submodule is replaced (attribute order).
"""
import json
import os

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
    # Module.__setattr__ keeps an existing name's slot: a submodule replaced in place prints and saves there.
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(1, 1)
            self.b = nn.ReLU()
            self.c = nn.Linear(1, 2)
    n = Net()
    n.a = nn.Tanh()
    replaced = {"repr": str(n), "keys": list(n.state_dict().keys())}
    n.c = nn.Linear(1, 3)
    n.register_parameter("w", nn.Parameter(torch.ones(1)))
    n.b = nn.Linear(2, 2)
    replaced["keys_after"] = list(n.state_dict().keys())

    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    write(os.path.join(root, "packages/optim/test/fixtures/optimizer_reprs.json"), {"torch": torch.__version__, "optimizers": cases})
    write(os.path.join(root, "packages/nn/test/fixtures/module_reprs.json"),
          {"torch": torch.__version__, "matched": matched, "missing_unexpected": loose, "replaced": replaced})


def write(path, value):
    # Atomic: a partial fixture never replaces a good one.
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(value, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


main()

"""PyTorch 1.13's parameter lists for the names Flambeau exports, for the signature test.

Run: /usr/bin/python3 tools/gen_signatures.py > packages/flambeau/test/fixtures/signatures.json

Keys are PyTorch's own spellings: `torch.clamp`, `Tensor.sum`, `F.conv2d`, `nn.Conv2d`,
`optim.SGD`, `lr_scheduler.StepLR`, `data.DataLoader`, `utils.clip_grad_norm_`, `init.kaiming_uniform_`,
`transforms.Resize`, `datasets.MNIST`, `torchvision.utils.make_grid` (torchvision 0.14: Debian's
python3-torchvision), methods under their class (`nn.Module.state_dict`, `nn.LSTM.forward`,
`nn.Embedding.from_pretrained`, `tensorboard.SummaryWriter.add_scalar`). Each value is a list of overloads; an
overload is a list of parameters `{name, default?, kwOnly?, posOnly?}` (`default` is a JSON value
when Python's is a literal, else its repr under `repr`). Sources, in order: `inspect.signature`
(Python-level functions and constructors), the signature lines of a builtin's docstring, and the
ATen schemas `torch._C._jit_get_schemas_for_operator` lists (named `self` there, `input` in Python).
`torch.utils.tensorboard` needs the tensorboard package to import, which Debian lacks: SummaryWriter's
lists are read from the source of torch/utils/tensorboard/writer.py (`ast`), not imported.
"""
import ast
import inspect
import json
import re
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torch.optim.lr_scheduler as lr_scheduler
import torch.utils.data as data

EMPTY = inspect.Parameter.empty


def stable_repr(value):
    """repr without the object's address, so the fixture does not change from run to run."""
    return re.sub(r" at 0x[0-9a-f]+", "", repr(value))


def literal(value):
    if value is None or isinstance(value, (bool, int, str)):
        return {"default": value}
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return {"default": None, "repr": repr(value)}
        return {"default": value}
    if isinstance(value, (tuple, list)) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return {"default": list(value)}
    return {"default": None, "repr": stable_repr(value)}


def from_inspect(fn, drop_self):
    try:
        sig = inspect.signature(fn)
    except (ValueError, TypeError):
        return None
    out = []
    for i, p in enumerate(sig.parameters.values()):
        if drop_self and i == 0:
            continue
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            out.append({"name": ("*" if p.kind == p.VAR_POSITIONAL else "**") + p.name})
            continue
        entry = {"name": p.name}
        if p.default is not EMPTY:
            entry.update(literal(p.default))
        if p.kind == p.KEYWORD_ONLY:
            entry["kwOnly"] = True
        if p.kind == p.POSITIONAL_ONLY:
            entry["posOnly"] = True
        out.append(entry)
    return out


def from_ast(fn, drop_self):
    """A `def`'s parameter list read from its source, in `from_inspect`'s format."""
    a = fn.args
    out = []
    positional = a.posonlyargs + a.args
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    for i, (arg, d) in enumerate(zip(positional, defaults)):
        if drop_self and i == 0:
            continue
        entry = {"name": arg.arg}
        if d is not None:
            entry.update(literal(ast.literal_eval(d)))
        if arg in a.posonlyargs:
            entry["posOnly"] = True
        out.append(entry)
    if a.vararg:
        out.append({"name": "*" + a.vararg.arg})
    for arg, d in zip(a.kwonlyargs, a.kw_defaults):
        entry = {"name": arg.arg, "kwOnly": True}
        if d is not None:
            entry.update(literal(ast.literal_eval(d)))
        out.append(entry)
    if a.kwarg:
        out.append({"name": "**" + a.kwarg.arg})
    return out


def summary_writer():
    """SummaryWriter's constructor and methods, from writer.py's source."""
    import torch.utils
    import os
    path = os.path.join(os.path.dirname(torch.utils.__file__), "tensorboard", "writer.py")
    tree = ast.parse(open(path).read())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "SummaryWriter")
    table = {}
    for fn in cls.body:
        if not isinstance(fn, ast.FunctionDef) or (fn.name.startswith("_") and fn.name != "__init__"):
            continue
        key = "tensorboard.SummaryWriter" + ("" if fn.name == "__init__" else "." + fn.name)
        table[key] = [from_ast(fn, True)]
    return table


def split_top(s):
    parts, level, cur = [], 0, ""
    for ch in s:
        if ch in "([{":
            level += 1
        if ch in ")]}":
            level -= 1
        if ch == "," and level == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


def parse_param_list(text):
    out, kw = [], False
    for part in split_top(text):
        if part == "*":
            kw = True
            continue
        if part == "/":
            for e in out:
                e["posOnly"] = True
            continue
        name, _, default = part.partition("=")
        name = name.strip().split(":")[0].strip()
        entry = {"name": name}
        if default:
            try:
                entry.update(literal(ast.literal_eval(default.strip())))
            except (ValueError, SyntaxError):
                entry.update({"default": None, "repr": default.strip()})
        if kw and not name.startswith("*"):
            entry["kwOnly"] = True
        if name.startswith("*") and not name.startswith("**"):
            kw = True
        out.append(entry)
    return out


def from_docstring(fn, name):
    doc = fn.__doc__ or ""
    found = []
    for m in re.finditer(r"^\s*(?:\.\. function:: )?" + re.escape(name) + r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*(?:->.*)?$", doc, re.M):
        params = parse_param_list(m.group(1))
        if params not in found:
            found.append(params)
    return found


def from_aten(name, drop_self):
    try:
        schemas = torch._C._jit_get_schemas_for_operator("aten::" + name)
    except RuntimeError:
        return []
    found = []
    for s in schemas:
        if s.overload_name.startswith("out") or s.overload_name.endswith("_out"):
            continue
        params = []
        for i, a in enumerate(s.arguments):
            if a.name == "out":
                continue
            if a.name == "self" and i == 0 and drop_self:
                continue
            entry = {"name": "input" if a.name == "self" else a.name}
            if a.default_value is not None or a.has_default_value():
                dv = a.default_value
                entry.update(literal(dv) if not isinstance(dv, torch.dtype) else {"default": None, "repr": repr(dv)})
            if a.kwarg_only:
                entry["kwOnly"] = True
            params.append(entry)
        if params not in found:
            found.append(params)
    return found


def overloads(fn, name, drop_self, aten=True):
    found = []
    sig = from_inspect(fn, drop_self)
    if sig is not None:
        found.append(sig)
    else:
        found.extend(from_docstring(fn, name))
        if aten:
            for o in from_aten(name, drop_self):
                if o not in found:
                    found.append(o)
    return found


def constructor(cls):
    """The parameters of `cls(...)`: RNN, LSTM and GRU take `*args` and pass them to RNNBase after `mode`."""
    if cls in (nn.RNN, nn.LSTM, nn.GRU):
        sig = from_inspect(nn.RNNBase.__init__, True)[1:]
        if cls is nn.RNN:
            sig.insert(3, {"name": "nonlinearity", "default": "tanh"})
        return sig
    return from_inspect(cls.__init__, True)


def public(mod):
    return sorted(n for n in dir(mod) if not n.startswith("_"))


def main():
    table = {}
    for n in public(torch):
        fn = getattr(torch, n)
        if callable(fn) and not isinstance(fn, type):
            o = overloads(fn, n, False)
            if o:
                table["torch." + n] = o
    for n in public(torch.Tensor):
        fn = getattr(torch.Tensor, n)
        if callable(fn):
            o = overloads(fn, n, True)
            if o:
                table["Tensor." + n] = o
    for n in public(F):
        # `max_pool2d` & co. are boolean dispatchers over `return_indices`: the `_with_indices` form has the full list.
        fn = getattr(F, n + "_with_indices", None) or getattr(F, n)
        if callable(fn) and not isinstance(fn, type) and not inspect.ismodule(fn):
            o = overloads(fn, n, False)
            if o:
                table["F." + n] = o
    for prefix, mod, base in (("nn", nn, nn.Module), ("optim", optim, optim.Optimizer), ("lr_scheduler", lr_scheduler, None), ("data", data, None)):
        for n in public(mod):
            cls = getattr(mod, n)
            if inspect.isclass(cls) and (base is None or issubclass(cls, base)):
                sig = constructor(cls)
                if sig is not None:
                    table[prefix + "." + n] = [sig]
            elif inspect.isfunction(cls) and prefix == "data":
                table[prefix + "." + n] = [from_inspect(cls, False)]
    # torch.nn.utils' functions (clip_grad_norm_, parameters_to_vector, …) under `utils.`.
    for n in public(nn.utils):
        fn = getattr(nn.utils, n)
        if inspect.isfunction(fn):
            table["utils." + n] = [from_inspect(fn, False)]
    # torch.nn.init's initialisers under `init.`.
    for n in public(nn.init):
        fn = getattr(nn.init, n)
        if inspect.isfunction(fn):
            table["init." + n] = [from_inspect(fn, False)]
    # torchvision's transforms (Debian's python3-torchvision 0.14, torch 1.13's companion) under `transforms.`.
    import torchvision
    import torchvision.transforms as transforms
    for n in public(transforms):
        cls = getattr(transforms, n)
        if inspect.isclass(cls) and cls.__module__.startswith("torchvision.transforms"):
            sig = from_inspect(cls.__init__, True)
            if sig is not None:
                table["transforms." + n] = [sig]
    # The optimizers' shared methods (zero_grad, add_param_group, …).
    for n in public(optim.Optimizer):
        fn = getattr(optim.Optimizer, n)
        if inspect.isfunction(fn):
            table["optim.Optimizer." + n] = [from_inspect(fn, True)]
    # Each optimizer's own step(closure=None).
    for n in public(optim):
        cls = getattr(optim, n)
        if inspect.isclass(cls) and issubclass(cls, optim.Optimizer) and "step" in cls.__dict__:
            step = cls.step
            # 1.13's _use_grad_for_differentiable wraps step without functools.wraps: the original is in its closure.
            inner = [c.cell_contents for c in step.__closure__ or () if inspect.isfunction(c.cell_contents)]
            table["optim." + n + ".step"] = [from_inspect(inner[0] if inner else step, True)]
    # The containers' own methods (append, extend, insert, pop, update, keys, …).
    for n in ("Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"):
        cls = getattr(nn, n)
        for m, fn in cls.__dict__.items():
            if inspect.isfunction(fn) and not m.startswith("_") and m != "forward":
                table["nn." + n + "." + m] = [from_inspect(fn, True)]
    # The schedulers' step (PyTorch 1.13's base is `_LRScheduler`, Flambeau's `LRScheduler`).
    for n in public(lr_scheduler) + ["_LRScheduler"]:
        cls = getattr(lr_scheduler, n)
        if inspect.isclass(cls) and cls.__module__ == lr_scheduler.__name__ and "step" in cls.__dict__:
            table["lr_scheduler." + n.lstrip("_") + ".step"] = [from_inspect(cls.step, True)]
    # nn.Module's methods; `to` is (*args, **kwargs) in Python: its docstring lists the overloads.
    for n in public(nn.Module):
        fn = getattr(nn.Module, n)
        if callable(fn):
            table["nn.Module." + n] = from_docstring(fn, n) if n == "to" else [from_inspect(fn, True)]
    # Each layer's own forward (what `layer(...)` takes), and the alternative constructors.
    for n in public(nn):
        cls = getattr(nn, n)
        if inspect.isclass(cls) and issubclass(cls, nn.Module) and cls.forward is not nn.Module.forward:
            table["nn." + n + ".forward"] = [from_inspect(cls.forward, True)]
        if inspect.isclass(cls) and "from_pretrained" in cls.__dict__:
            table["nn." + n + ".from_pretrained"] = [from_inspect(cls.from_pretrained, False)]
    import torchvision.datasets as datasets
    import torchvision.utils as vutils
    for n in public(datasets):
        cls = getattr(datasets, n)
        if inspect.isclass(cls):
            sig = from_inspect(cls.__init__, True)
            if sig is not None:
                table["datasets." + n] = [sig]
    for n in ("make_grid", "save_image"):
        table["torchvision.utils." + n] = [from_inspect(getattr(vutils, n), False)]
    table.update(summary_writer())
    json.dump({"torch": torch.__version__, "torchvision": torchvision.__version__, "signatures": table}, sys.stdout, indent=None, separators=(",", ":"), sort_keys=True)


if __name__ == "__main__":
    main()

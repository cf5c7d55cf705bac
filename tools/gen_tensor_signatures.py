"""PyTorch 1.13's parameter lists of every Tensor method and torch.* function, one overload chosen.

Run: /usr/bin/python3 tools/gen_tensor_signatures.py > packages/flambeau/test/fixtures/tensor_signatures.json

Keys are PyTorch's spellings (`Tensor.sum`, `torch.index_select`). Each entry is
`{chosen, overloads}`: `overloads` maps a label to a parameter list `[{name, default?, repr?,
kwOnly?, posOnly?, type?}]` (`self` dropped for methods, `out=` dropped everywhere), and `chosen`
names the overload Flambeau implements (the test compares against that one only).

Sources, first that answers:
- `inspect.signature` for Python-level functions (`torch.functional.split`, `Tensor.backward`),
  labelled `python`;
- the stubs of torch._C's argument parser (`torch/_C/__init__.pyi` for `_TensorBase` methods,
  `torch/_C/_VariableFunctions.pyi` for torch functions), which are the binding signatures Python
  calls (positional / keyword-only exactly), labelled `pyi:<n>` in file order;
- the ATen schemas (`torch._C._jit_get_schemas_for_operator`), labelled `aten:<overload>`.

The choice: `CHOSEN` below where Flambeau implements another overload than the default rule's, else
the rule: of the overloads without named dimensions (`str` dims) and the deprecated forms (those
naming `self`, as `add(self, alpha, other)`), the one with the most parameters.
"""
import ast
import inspect
import json
import os
import sys

import torch

from gen_signatures import EMPTY, from_inspect, literal  # noqa: E402  (tools/ is on sys.path when run)

STUBS = os.path.join(os.path.dirname(torch.__file__), "_C")

# name → label, where the rule picks another overload than Flambeau's.
CHOSEN = {
    # var/std(dim, unbiased, keepdim): the classic form (correction= is taken by name too)
    "Tensor.var": "pyi:1", "Tensor.std": "pyi:1", "torch.var": "pyi:1", "torch.std": "pyi:1",
    # argsort(dim, descending), sort(dim, descending): not the stable= forms
    "Tensor.argsort": "pyi:1", "torch.argsort": "pyi:1", "Tensor.sort": "pyi:1", "torch.sort": "pyi:1",
    # squeeze(dim): the dim-less form is dim=None here
    "Tensor.squeeze": "pyi:1", "torch.squeeze": "pyi:1",
    # the varargs forms: view(2, 3) as well as view([2, 3])
    "Tensor.view": "pyi:2", "Tensor.expand": "pyi:1", "Tensor.reshape": "pyi:1", "Tensor.permute": "pyi:1",
    "Tensor.repeat": "pyi:1", "Tensor.flip": "pyi:1", "Tensor.broadcast_to": "pyi:0",
    # max/min(dim, keepdim), size(dim), stride(dim): the optional-dim lists merge the dim-less form
    "Tensor.max": "pyi:2", "Tensor.min": "pyi:2", "torch.max": "pyi:2", "torch.min": "pyi:2",
    "Tensor.size": "pyi:1", "Tensor.stride": "pyi:1",
    # type(dtype=None, non_blocking=False), to(device, dtype, …)
    "Tensor.type": "pyi:0", "Tensor.to": "pyi:1",
    # new_ones(size, *, dtype, …) as its siblings (pyi:0 is a stale positional list)
    "Tensor.new_ones": "pyi:1",
    # round() without decimals; bernoulli_(p=0.5); random_(from, to); nonzero(*, as_tuple=False)
    "Tensor.round": "pyi:0", "Tensor.round_": "pyi:0", "torch.round": "pyi:0",
    "Tensor.bernoulli_": "pyi:1", "Tensor.random_": "pyi:1", "Tensor.nonzero": "pyi:0", "torch.nonzero": "pyi:0",
    # scatter(dim, index, src); the reduce= and value forms are merged in Flambeau
    "Tensor.scatter": "pyi:0", "Tensor.scatter_": "pyi:0", "torch.scatter": "pyi:0",
    "torch.flatten": "pyi:0", "Tensor.flatten": "pyi:0", "torch.round_": "pyi:0", "torch.bernoulli": "pyi:0", "Tensor.bernoulli": "pyi:0",
    # the factories' forms with an optional generator, or none (Flambeau's generator= is then extra)
    "torch.randint": "pyi:0", "torch.rand": "pyi:4", "torch.randn": "pyi:4", "torch.randperm": "pyi:1",
}


def from_python(fn, drop_self):
    """`inspect.signature` of a Python-level function (no out=), or None for a builtin."""
    if not (inspect.isfunction(fn) or inspect.ismethod(fn)):
        return None
    params = from_inspect(fn, drop_self)
    return None if params is None else [p for p in params if p["name"] != "out"]


def stub_overloads(path, cls):
    """name → [parameter lists] from a .pyi stub, at module level or in class `cls`."""
    tree = ast.parse(open(path).read())
    body = tree.body
    if cls:
        body = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls).body
    table = {}
    for node in body:
        if not isinstance(node, ast.FunctionDef):
            continue
        a = node.args
        params = []
        positional = a.posonlyargs + a.args
        first_default = len(positional) - len(a.defaults)
        for i, arg in enumerate(positional):
            if cls and i == 0:
                continue
            entry = {"name": arg.arg, "type": ast.unparse(arg.annotation) if arg.annotation else None}
            if i >= first_default:
                entry.update(literal(ast.literal_eval(a.defaults[i - first_default])) if is_literal(a.defaults[i - first_default]) else {"default": None, "repr": ast.unparse(a.defaults[i - first_default])})
            if i < len(a.posonlyargs):
                entry["posOnly"] = True
            params.append(entry)
        if a.vararg:
            params.append({"name": "*" + a.vararg.arg, "type": ast.unparse(a.vararg.annotation) if a.vararg.annotation else None})
        for arg, d in zip(a.kwonlyargs, a.kw_defaults):
            if arg.arg == "out":
                continue
            entry = {"name": arg.arg, "type": ast.unparse(arg.annotation) if arg.annotation else None, "kwOnly": True}
            if d is not None:
                entry.update(literal(ast.literal_eval(d)) if is_literal(d) else {"default": None, "repr": ast.unparse(d)})
            params.append(entry)
        if any(k.arg == "out" and d is None for k, d in zip(a.kwonlyargs, a.kw_defaults)):
            continue  # an out= overload with a required out
        table.setdefault(node.name, [])
        if params not in table[node.name]:
            table[node.name].append(params)
    return table


def is_literal(node):
    try:
        ast.literal_eval(node)
        return True
    except ValueError:
        return False


def from_aten(name, drop_self):
    try:
        schemas = torch._C._jit_get_schemas_for_operator("aten::" + name)
    except RuntimeError:
        return {}
    found = {}
    for s in schemas:
        if s.overload_name.startswith("out") or s.overload_name.endswith("_out"):
            continue
        params = []
        for i, a in enumerate(s.arguments):
            if a.name == "out" or (a.name == "self" and i == 0 and drop_self):
                continue
            entry = {"name": "input" if a.name == "self" else a.name, "type": str(a.type)}
            if a.has_default_value():
                entry.update(literal(a.default_value))
            if a.kwarg_only:
                entry["kwOnly"] = True
            params.append(entry)
        found["aten:" + (s.overload_name or "default")] = params
    return found


def named_dims(params):
    return any("str" in (p.get("type") or "") and p["name"] in ("dim", "dims", "dim0", "dim1") for p in params) or any(
        p["name"] == "names" for p in params)


def choose(key, overloads):
    if key in CHOSEN and CHOSEN[key] in overloads:
        return CHOSEN[key]
    plain = [(label, o) for label, o in overloads.items() if not named_dims(o) and not any(p["name"] == "self" for p in o)]
    pool = plain or list(overloads.items())
    return max(pool, key=lambda lo: len(lo[1]))[0]


def entry(key, fn, name, stubs, drop_self):
    overloads = {}
    py = from_python(fn, drop_self)
    if py is not None:
        overloads["python"] = py
    elif name in stubs:
        for i, o in enumerate(stubs[name]):
            overloads["pyi:%d" % i] = o
    else:
        overloads.update(from_aten(name, drop_self))
    if not overloads:
        return None
    return {"chosen": choose(key, overloads), "overloads": overloads}


def public(obj):
    return sorted(n for n in dir(obj) if not n.startswith("_"))


def main():
    table = {}
    methods = stub_overloads(os.path.join(STUBS, "__init__.pyi"), "_TensorBase")
    functions = stub_overloads(os.path.join(STUBS, "_VariableFunctions.pyi"), None)
    for n in public(torch.Tensor):
        fn = getattr(torch.Tensor, n)
        if callable(fn) and not isinstance(fn, type):
            e = entry("Tensor." + n, fn, n, methods, True)
            if e:
                table["Tensor." + n] = e
    for n in public(torch):
        fn = getattr(torch, n)
        if callable(fn) and not isinstance(fn, type) and not inspect.ismodule(fn):
            e = entry("torch." + n, fn, n, functions, False)
            if e:
                table["torch." + n] = e
    json.dump({"torch": torch.__version__, "signatures": table}, sys.stdout, indent=None, separators=(",", ":"), sort_keys=True)
    sys.stdout.write("\n")


main()

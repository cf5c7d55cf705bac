import { type DType, type DTypeLike, getDefaultDtype as currentDefaultDtype, promoteTypes as promote, setDefaultDtype as useDefaultDtype } from './dtype.js';
import { type Generator, initialSeed as defaultInitialSeed, manualSeed as reseedDefault } from './random.js';
import { declare, parseArgs } from './signature.js';

/*
 * torch's functions of one or two plain values (the default dtype, the default generator's seed,
 * dtype promotion), bound through their PyTorch 1.13 declarations. They live here, not beside
 * their state in dtype.ts and random.ts: signature.ts imports those (through tensor.ts), so a
 * top-level `declare` there would run before signature.ts has initialised.
 */

const MANUAL_SEED = declare('torch.manualSeed', 'manual_seed(int seed)');
const INITIAL_SEED = declare('torch.initialSeed', 'initial_seed()');
const SET_DEFAULT_DTYPE = declare('torch.setDefaultDtype', 'set_default_dtype(ScalarType d)');
const GET_DEFAULT_DTYPE = declare('torch.getDefaultDtype', 'get_default_dtype()');
const PROMOTE_TYPES = declare('torch.promoteTypes', 'promote_types(ScalarType type1, ScalarType type2)');

/**
 * Reseeds the default generator and returns it. PyTorch: `torch.manual_seed(seed)`.
 *
 * @example
 * torch.manualSeed(0); torch.rand(3); // 0.4963, 0.7682, 0.0885, as PyTorch's CPU
 */
export function manualSeed(...args: [seed: number] | [{ seed: number }]): Generator {
  const seed = typeof args[0] === 'number' && args.length === 1 ? args[0] : (parseArgs(MANUAL_SEED, args).seed as number);
  return reseedDefault(seed);
}

/**
 * The seed the default generator was last seeded with. PyTorch: `torch.initial_seed()`.
 *
 * @example
 * torch.manualSeed(7); torch.initialSeed(); // 7
 */
export function initialSeed(...args: [] | [Record<string, never>]): number {
  if (args.length > 0) parseArgs(INITIAL_SEED, args);
  return defaultInitialSeed();
}

/**
 * Sets the dtype of floating tensors made from JS numbers and of the float factories; only
 * floating dtypes, as in PyTorch. PyTorch: `torch.set_default_dtype(d)`.
 *
 * @example
 * torch.setDefaultDtype(torch.float64); torch.tensor([1.5]).dtype; // 'float64'
 */
export function setDefaultDtype(...args: [d: DTypeLike] | [{ d: DTypeLike }]): void {
  useDefaultDtype(parseArgs(SET_DEFAULT_DTYPE, args).d as DType);
}

/**
 * The default floating dtype (`'float32'` unless `setDefaultDtype` changed it). PyTorch: `torch.get_default_dtype()`.
 *
 * @example
 * torch.getDefaultDtype(); // 'float32'
 */
export function getDefaultDtype(...args: [] | [Record<string, never>]): DType {
  if (args.length > 0) parseArgs(GET_DEFAULT_DTYPE, args);
  return currentDefaultDtype();
}

/**
 * The dtype both operands promote to, by PyTorch's category rules. PyTorch: `torch.promote_types(type1, type2)`.
 *
 * @example
 * torch.promoteTypes('int64', 'float16'); // 'float16'
 */
export function promoteTypes(...args: [type1: DTypeLike, type2: DTypeLike] | [type1: DTypeLike, { type2: DTypeLike }] | [{ type1: DTypeLike; type2: DTypeLike }]): DType {
  const { type1, type2 } = parseArgs(PROMOTE_TYPES, args) as { type1: DType; type2: DType };
  return promote(type1, type2);
}

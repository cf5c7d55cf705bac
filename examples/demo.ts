/**
 * The main job until the trainer exists: a short tensor program in PyTorch's idiom.
 */
import * as torch from '@flambeau/tensor';

torch.manualSeed(0);
const x = torch.rand(2, 3);
console.log('x =', String(x));
console.log('x @ x.T =', String(x.matmul(x.t())));
console.log('softmax(x, dim=1) =', String(x.softmax(1)));
const m = torch.arange(12).reshape(3, 4);
console.log('m =', String(m));
console.log('m[:, 1:3] =', String(m.index(torch.slice(), torch.slice(1, 3))));
console.log('m.sum(0) =', String(m.sum(0)));

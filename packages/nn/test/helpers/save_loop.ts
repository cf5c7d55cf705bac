// Child process of atomic_save.test.ts: saves a state dict of MB megabytes to TARGET in a loop,
// printing "saved" after each save, until it is killed.
import { fromArray } from '@flambeau/tensor';
import * as nn from '@flambeau/nn';

const [target, mb] = [process.argv[2], Number(process.argv[3])];
const n = (mb * 1024 * 1024) / 4 / 4;
let round = 0;
for (;;) {
  round++;
  const sd: Record<string, ReturnType<typeof fromArray>> = {};
  for (let i = 0; i < 4; i++) sd[`t${i}`] = fromArray(new Float32Array(n).fill(round * 10 + i), [n]);
  nn.save(sd, target, { round: String(round) });
  process.stdout.write('saved\n');
}

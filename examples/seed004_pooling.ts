/** Seed 004 (pool2d.py): max, strided, padded-average and global-average pooling, ported line by line. */
import { torch, nn } from 'flambeau';

const img = torch.tensor([[[0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0], [3.0, 3.0, 3.0, 3.0]], [[4.0, 4.0, 4.0, 4.0], [5.0, 5.0, 5.0, 5.0], [6.0, 6.0, 6.0, 6.0], [7.0, 7.0, 7.0, 7.0]]], { dtype: 'float32' }).reshape([1, 2, 4, 4]); // JS has no 0.0 literal: say float32
console.log(String(img));
console.log(String(img.index(0).index(0)));
console.log(String(img.index(0).index(1)));
const pooling = nn.functional.maxPool2d(img, 2);
console.log('pooling :', String(pooling));
const pooling1 = nn.functional.maxPool2d(img, 2, { stride: 1 });
console.log('pooling1 :', String(pooling1));
const pooling2 = nn.functional.avgPool2d(img, 2, { stride: 1, padding: 1 });
console.log('pooling2 :', String(pooling2));
const pooling3 = nn.functional.avgPool2d(img, 4);
console.log('pooling3 :', String(pooling3));
const m1 = img.mean(3);
console.log('第1次均值结果', String(m1));
console.log('第2次均值结果', String(m1.mean(2)));

const x = torch.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0, 0.0, 7.0]]], { dtype: 'float32' });
console.log(String(new nn.MaxPool1d(2)(x)));
const [values, indices] = new nn.MaxPool1d(3, { stride: 2, padding: 1, returnIndices: true })(x);
console.log(`(${String(values)}, ${String(indices)})`);
console.log(String(new nn.MaxPool2d(3, { stride: 2 }))); // or new nn.MaxPool2d(3, 2)
console.log(String(new nn.AvgPool2d(2, { stride: 1, padding: 1 })));
console.log(String(new nn.AdaptiveAvgPool2d([1, 1])(img)));

/** Test-set evaluation: loss, accuracy, per-class accuracy and the confusion matrix. */
import { torch, nn, data, type Tensor } from 'flambeau';
import { Generator } from '@flambeau/tensor';

export interface Evaluation {
  loss: number;
  accuracy: number;
  correct: number;
  total: number;
  /** `confusion[true][predicted]` counts. */
  confusion: number[][];
  perClass: { correct: number; total: number; accuracy: number }[];
}

/** Runs `model` in eval mode over `dataset` without recording gradients (nor drawing from the default generator). */
export async function evaluate(model: nn.Module, dataset: data.Dataset<[unknown, unknown]>, numClasses: number, batchSize = 500, device = 'cpu'): Promise<Evaluation> {
  const wasTraining = model.training;
  model.eval();
  const criterion = new nn.CrossEntropyLoss({ reduction: 'sum' });
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let lossSum = 0, total = 0;
  await torch.noGrad(async () => {
    for await (const [x, y] of new data.DataLoader(dataset, { batchSize, generator: new Generator(0) }) as AsyncIterable<[Tensor, Tensor]>) {
      const out = model(device === 'cpu' ? x : x.to(device)) as Tensor;
      lossSum += await criterion(out, device === 'cpu' ? y : y.to(device)).item();
      const pred = (await out.argmax(1).tolist()) as number[];
      const truth = (await y.tolist()) as number[];
      truth.forEach((t, i) => confusion[t][pred[i]]++);
      total += truth.length;
    }
  });
  model.train(wasTraining);
  const perClass = confusion.map((row, k) => {
    const n = row.reduce((a, b) => a + b, 0);
    return { correct: row[k], total: n, accuracy: n ? row[k] / n : 0 };
  });
  const correct = perClass.reduce((a, c) => a + c.correct, 0);
  return { loss: lossSum / Math.max(total, 1), accuracy: correct / Math.max(total, 1), correct, total, confusion, perClass };
}

/** Seed 001's printout: overall accuracy, then `Accuracy of <class> : NN %` per class. */
export function formatEvaluation(e: Evaluation, classes: string[]): string {
  const width = Math.max(5, ...classes.map((c) => c.length));
  const lines = [`Accuracy of the network on the ${e.total} test images: ${Math.trunc((100 * e.correct) / Math.max(e.total, 1))} %`];
  e.perClass.forEach((c, i) => lines.push(`Accuracy of ${(classes[i] ?? String(i)).padStart(width)} : ${String(Math.trunc(100 * c.accuracy)).padStart(2)} %`));
  return lines.join('\n');
}

/** The confusion matrix as a text table (rows: true class, columns: predicted). */
export function formatConfusion(e: Evaluation, classes: string[]): string {
  const names = classes.map((c, i) => c || String(i));
  const w = Math.max(5, ...e.confusion.flat().map((v) => String(v).length)) + 1;
  const label = Math.max(...names.map((n) => n.length));
  const head = `${'true \\ pred'.padEnd(label)} ${e.confusion.map((_, j) => String(j).padStart(w)).join('')}`;
  return [head, ...e.confusion.map((row, i) => `${names[i].padEnd(label)} ${row.map((v) => String(v).padStart(w)).join('')}`)].join('\n');
}

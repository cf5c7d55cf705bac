/** The search space of `tune`: what each trial samples. */
export type Param =
  | { name: string; kind: 'log'; low: number; high: number }
  | { name: string; kind: 'choice'; choices: readonly (string | number)[] };

export const SEARCH_SPACE: Param[] = [
  { name: 'lr', kind: 'log', low: 1e-4, high: 1e-1 },
  { name: 'batchSize', kind: 'choice', choices: [32, 64, 128] },
  { name: 'optimizer', kind: 'choice', choices: ['sgd', 'adam', 'adamw', 'rmsprop'] },
  { name: 'weightDecay', kind: 'log', low: 1e-6, high: 1e-2 },
];

export type Params = Record<string, number | string>;

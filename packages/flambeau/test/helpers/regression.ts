/**
 * The training both user programs run (installed from the registry, and bundled for the browser):
 * a regression on y = x @ [1.5, -2, 0.5] + 0.25 through `data.DataLoader`, leaving the mean loss of
 * each epoch in `losses`. Program text, as the programs are written to files and bundled.
 */
export function regression(o: { net: string; optimizer: string; loader: string; epochs: number }): string {
  return `
  torch.manualSeed(0);
  const x = torch.randn(64, 3);
  const y = x.matmul(torch.tensor([[1.5], [-2], [0.5]])).add(0.25);
  const net = ${o.net};
  const opt = ${o.optimizer};
  const lossFn = new nn.MSELoss();
  const loader = new data.DataLoader(new data.TensorDataset(x, y), ${o.loader});
  const losses = [];
  for (let epoch = 0; epoch < ${o.epochs}; epoch++) {
    let total = 0;
    for await (const [xb, yb] of loader) {
      const loss = lossFn(net(xb), yb);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      total += Number(loss);
    }
    losses.push(total / loader.length);
  }
`;
}

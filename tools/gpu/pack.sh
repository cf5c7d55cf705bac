#!/usr/bin/env bash
# Packs what a GPU machine without Node needs to run packages/backend-webgpu/bench/gpu.ts into
# gpu-pack/ (git-ignored, ~40 MB): Node (xz), Dawn (npm webgpu 0.6.2), the Vulkan loader, the
# bench bundled by esbuild, the PyTorch reference and run.sh. On the GPU machine:
#   bash gpu-pack/run.sh 4096 20      # prints JSON lines: webgpu then PyTorch CUDA
set -euo pipefail
cd "$(dirname "$0")/../.."
out=gpu-pack
rm -rf "$out" && mkdir -p "$out/node_modules/webgpu/dist/linux-x64"
xz -T0 -6 -c "$(readlink -f "$(command -v node)")" > "$out/node.xz"
wg=$(dirname "$(node -e "console.log(require.resolve('webgpu/package.json', { paths: ['packages/backend-webgpu'] }))")")
cp "$wg/package.json" "$wg/index.js" "$out/node_modules/webgpu/"
xz -T0 -6 -c "$wg/dist/linux-x64/dawn.node" > "$out/node_modules/webgpu/dist/linux-x64/dawn.node.xz"
cp -L /usr/lib/x86_64-linux-gnu/libvulkan.so.1 "$out/"
# esbuild is a devDependency of examples/; bundle the bench with the Flambeau sources, Dawn left out.
node -e "
require(require.resolve('esbuild', { paths: ['examples'] })).buildSync({ entryPoints: ['packages/backend-webgpu/bench/gpu.ts'],
  bundle: true, format: 'esm', platform: 'node', target: 'node20', conditions: ['@flambeau/source'], external: ['webgpu'],
  outfile: '$out/bench.mjs', logLevel: 'warning' });"
cp tools/gpu/torch_cuda.py tools/gpu/run.sh "$out/"
du -sh "$out"

#!/usr/bin/env bash
# Runs on the GPU machine from gpu-pack/ (see pack.sh): unpacks Node and Dawn, then the webgpu
# bench and the PyTorch CUDA reference on the same shapes. Arguments: GEMM size, steps, cases.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
cp -r "$here/node_modules" "$here/bench.mjs" "$work/"
xz -dc "$here/node.xz" > "$work/node" && chmod +x "$work/node"
xz -dc "$here/node_modules/webgpu/dist/linux-x64/dawn.node.xz" > "$work/node_modules/webgpu/dist/linux-x64/dawn.node"
export LD_LIBRARY_PATH="$here${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# Containers often have NVIDIA's driver libraries but not its Vulkan ICD manifest: write one.
if ! ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json >/dev/null 2>&1; then
  lib=$(ldconfig -p 2>/dev/null | awk '/libGLX_nvidia.so.0/ { print $NF; exit }')
  if [ -n "$lib" ]; then
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$lib" > "$work/nvidia_icd.json"
    export VK_ICD_FILENAMES="$work/nvidia_icd.json"
  fi
fi
cd "$work"
timeout 300 ./node bench.mjs "${1:-4096}" "${2:-20}" "${3:-gemm,cnn}" 2>&1 | grep -v '^Warning: maxDynamic'
if command -v python3 >/dev/null && python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
  timeout 200 python3 "$here/torch_cuda.py" "${1:-4096}" "${2:-20}"
else
  echo '{"torch": "unavailable (no python3 with CUDA torch)"}'
fi
rm -rf "$work"

#!/usr/bin/env bash
# The README's main job: install what is missing, build ktune, and tune the default matmul on the
# best device found (CUDA if it has a device, else OpenCL), storing the results in the default
# database. Extra arguments go to `ktune tune matmul` (e.g. --shape 512x512x512).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
echo
./build/release/cli/ktune devices
echo
exec ./build/release/cli/ktune tune matmul "$@"

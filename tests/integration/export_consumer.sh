#!/usr/bin/env bash
# The README's "Use tuned kernels in your build", end to end: tune two small problems on the
# OpenCL device, export both kernels into one package, build examples/consumer against it with
# CMake, run it, and check that each shape was answered by the expected rule and computed right.
# Usage: export_consumer.sh KTUNE CONSUMER_SOURCE_DIR WORK_DIR
#        export_consumer.sh run-cuda WORK_DIR   (afterwards: the CUDA program, on a GPU; exits 77,
#                                                "skipped", where it was not built or has no GPU)
set -euo pipefail
if [ "$1" = run-cuda ]; then
  work=$2
  if [ ! -x "$work/build/consumer_cuda" ]; then
    echo "consumer: skipped: the CUDA program was not built (no CUDA compiler)"
    exit 77
  fi
  status=0
  "$work/build/consumer_cuda" | tee "$work/consumer_cuda.out" || status=$?
  [ "$status" -eq 0 ] || exit "$status"  # 77: no GPU, skipped
  # Passed only if both kernels ran and were right.
  if ! grep -q "^matmul 512^3 on .*: ok$" "$work/consumer_cuda.out" ||
    ! grep -q "^conv2d on .*: ok$" "$work/consumer_cuda.out"; then
    echo "consumer_cuda exited 0 without running both kernels right" >&2
    exit 1
  fi
  echo "consumer (CUDA): ok"
  exit 0
fi
ktune=$1 consumer=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
db="$work/tuned.db" pkg="$work/tuned"

"$ktune" tune matmul --shape 64x48x40 --backend opencl --db "$db" --budget-evals 4 \
  --finalists 0 --format json > /dev/null
"$ktune" tune conv2d --shape n=1,c=8,h=12,w=12,k=8,r=3,pad=1 --backend opencl --db "$db" \
  --budget-evals 4 --finalists 0 --format json > /dev/null
"$ktune" export matmul --db "$db" --out "$pkg"
"$ktune" export conv2d --db "$db" --out "$pkg"

cmake -S "$consumer" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$pkg" \
  -DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror"
cmake --build "$work/build"
"$work/build/consumer_opencl" | tee "$work/consumer.out"

expect() {
  grep -q -- "$1" "$work/consumer.out" || { echo "expected a line with: $1" >&2; exit 1; }
}
expect "matmul 64x48x40: rule exact"
expect "matmul 100x70x33: rule nearest_shape"
expect "conv2d n=1,c=8,h=12,w=12,k=8,r=3: rule exact"
expect "conv2d n=2,c=5,h=9,w=11,k=6,r=3: rule nearest_shape"
if grep -q WRONG "$work/consumer.out"; then exit 1; fi
# The CUDA program (built when nvcc is found) runs in a test of its own: `run-cuda` above.
echo "consumer (OpenCL): ok"

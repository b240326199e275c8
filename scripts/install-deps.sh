#!/usr/bin/env bash
# Installs what ktune needs to build and test on Debian 12, and nothing when all of it is present.
# Idempotent: safe to run before every build. The CUDA toolkit is optional and never installed here.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost-program-options-dev
  libsqlite3-dev sqlite3
  ocl-icd-opencl-dev opencl-headers opencl-clhpp-headers pocl-opencl-icd clinfo
  libopenblas-dev libdnnl-dev libeigen3-dev
  nlohmann-json3-dev libfmt-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format
  libjs-chart.js chromium  # ktune report: Chart.js embedded at build time; the browser test
  clang-15  # the fuzz harnesses (libFuzzer comes with it, in libclang-common-15-dev)
  slurmctld slurmd slurm-client munge  # tests/slurm: a throwaway one-node cluster
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"

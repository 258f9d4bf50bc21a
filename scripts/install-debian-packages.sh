#!/usr/bin/env bash
# Installs the Debian packages that lmulsim's tests use: Yosys and Icarus Verilog for the RTL checks,
# Chromium for the HTML report test, and the Fashion-MNIST data set for the end-to-end accuracy test.
# Packages already on the machine are left alone; needs root (or sudo) only when something is missing.
set -euo pipefail

# package name, then the file whose presence shows it is installed
wanted=(
  "yosys /usr/bin/yosys"
  "iverilog /usr/bin/iverilog"
  "chromium /usr/bin/chromium"
  "dataset-fashion-mnist /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
)

missing=()
for entry in "${wanted[@]}"; do
  read -r package marker <<<"$entry"
  [ -e "$marker" ] || missing+=("$package")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

echo "installing Debian packages: ${missing[*]}" >&2
run_as_root=()
[ "$(id -u)" -eq 0 ] || run_as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${run_as_root[@]}" apt-get update -qq
"${run_as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null

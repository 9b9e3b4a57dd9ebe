#!/usr/bin/env bash
# GPT-NeoX-20B on one machine (docs/PERFORMANCE.md, docs/MEMORY.md). Usage: scripts/bench-20b.sh DIR
#
# In DIR (outside the repository; about 65 GB free needed): synthesizes a random-weight model of
# the GPT-NeoX-20B shape in float16 (41 GB, `neox4j synth`) and writes its Q4_0 GGUF (11.6 GB,
# `neox4j quantize`), unless they are there already; then measures, in this one run:
#   1. Q4_0, memory-mapped: `neox4j bench` (decode tok/s and the memory bandwidth probe), then
#      `neox4j generate --verbose` (peak RSS) and the time to the first token on a warm page cache;
#   2. F16, `--memory stream --max-resident 8G`: the disk's sequential read bandwidth (O_DIRECT
#      reads of the model file, before and after), then `neox4j generate --verbose` (seconds per
#      token, peak RSS).
# Step 1 also benches Q4_0 with `--memory resident` (regrouped) and `--no-repack`, in that order, and
# with `--repack-cache DIR/repacked` (written at its first load: 11.2 GB more);
# SKIP_F16=1 stops after step 1.
# Delete DIR afterwards: the files are not needed for anything else.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:?usage: scripts/bench-20b.sh DIR}
neox4j="$root/neox4j"
f16="$dir/gpt-neox-20b-f16"
q4="$dir/gpt-neox-20b-q4_0.gguf"
ctx=64
mkdir -p "$dir"

[ -f "$f16/model.safetensors" ] || "$neox4j" synth --shape gpt-neox-20b --dtype f16 --out "$f16"
[ -f "$q4" ] || "$neox4j" quantize --model "$f16" --dtype q4_0 --out "$q4" --verbose

echo "== machine"; nproc; free -g | head -2; df -h "$dir" | tail -1; ls -l "$f16/model.safetensors" "$q4"

echo "== Q4_0, memory-mapped: bench (bandwidth probe in the same run)"
cat "$q4" > /dev/null  # warm page cache
"$neox4j" bench --model "$q4" --threads 2 --prompt-tokens 8 --gen-tokens 16 --json

echo "== Q4_0, --memory resident: bench (Q4_0 regrouped at load for the integer decode kernel), then the same with --no-repack"
"$neox4j" bench --model "$q4" --memory resident --threads 2 --prompt-tokens 8 --gen-tokens 16 --json
"$neox4j" bench --model "$q4" --memory resident --no-repack --threads 2 --prompt-tokens 8 --gen-tokens 16 --json

echo "== Q4_0, memory-mapped: generate (peak RSS; KV cache of $ctx positions; a small initial heap)"
NEOX4J_JAVA_OPTS="${NEOX4J_JAVA_OPTS:--Xms16m -Xmx2g}" "$neox4j" generate --model "$q4" --threads 2 --prompt-token-ids 1,2,3,4 -n 16 --greedy --ignore-eos --context $ctx --verbose > /dev/null

echo "== Q4_0, repack cache: first load writes it, then generate (peak RSS) and bench map it"
repacked="$dir/repacked"
"$neox4j" generate --model "$q4" --repack-cache "$repacked" --threads 2 --prompt-token-ids 1 -n 1 --context $ctx --verbose > /dev/null
cat "$repacked"/*.groups > /dev/null  # warm page cache
NEOX4J_JAVA_OPTS="${NEOX4J_JAVA_OPTS:--Xms16m -Xmx2g}" "$neox4j" generate --model "$q4" --repack-cache "$repacked" --threads 2 --prompt-token-ids 1,2,3,4 -n 16 --greedy --ignore-eos --context $ctx --verbose > /dev/null
"$neox4j" bench --model "$q4" --repack-cache "$repacked" --threads 2 --prompt-tokens 8 --gen-tokens 16 --json

echo "== Q4_0: time to first token, warm page cache (process start to the first generated token on stdout), without and with the repack cache"
for extra in "" "--repack-cache $repacked"; do
python3 - "$neox4j" "$q4" $extra <<'EOF'
import subprocess, sys, time
start = time.monotonic()
p = subprocess.Popen([sys.argv[1], "generate", "--model", sys.argv[2], "--threads", "2", "--prompt-token-ids", "1",
                      "-n", "2", "--greedy", "--ignore-eos", "--context", "16"] + sys.argv[3:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
p.stdout.read(1)
print(f"time to first token {' '.join(sys.argv[3:])}: {time.monotonic() - start:.2f} s")
p.wait()
EOF
done

if [ -n "${SKIP_F16:-}" ]; then exit 0; fi
echo "== disk sequential read bandwidth (O_DIRECT, 8 GiB of the F16 file)"
dd if="$f16/model.safetensors" of=/dev/null bs=64M count=128 iflag=direct 2>&1 | tail -1
echo "== F16, --memory stream --max-resident 8G: generate (3 tokens)"
"$neox4j" generate --model "$f16" --threads 2 --prompt-token-ids 1,2,3,4 -n 3 --greedy --ignore-eos --context $ctx \
    --memory stream --max-resident 8G --verbose > /dev/null
echo "== disk sequential read bandwidth again"
dd if="$f16/model.safetensors" of=/dev/null bs=64M count=128 skip=256 iflag=direct 2>&1 | tail -1

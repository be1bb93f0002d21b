#!/usr/bin/env bash
# Runs the Hush Spark job on a real Spark standalone cluster on this machine: a master, a worker and the worker's
# executor JVM, each a process of its own talking over Spark's RPC, as on a cluster of machines; then checks that
# every output is byte-identical to 'hush image' on the same files, and stops the cluster.
#
#   bash scripts/spark/standalone-cluster.sh IN_FOLDER [MODEL] [CORES]
#
# Needs './mvnw install' first. Spark's own launcher wants a SPARK_HOME with a jars/ folder and a RELEASE file: this
# script makes one in a temporary folder from the command line's class path (links, no copies).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
in="$(cd "${1:?usage: standalone-cluster.sh IN_FOLDER [MODEL] [CORES]}" && pwd)"
model="${2:-image-gray-fast}"
cores="${3:-2}"
cp_file="$here/plugins/cli/target/classpath.txt"
[[ -f "$cp_file" ]] || { echo "build first: ./mvnw -q install -DskipTests" >&2; exit 2; }
work="$(mktemp -d)"
home="$work/spark-home"
mkdir -p "$home/jars" "$work/worker" "$work/logs"
touch "$home/RELEASE"
for j in $(tr ':' '\n' < "$cp_file") "$here/plugins/cli/target/hush-cli.jar"; do ln -sf "$(readlink -f "$j")" "$home/jars/"; done
opens=""
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens="$opens --add-opens=java.base/$p=ALL-UNNAMED"
done
port=$((17000 + RANDOM % 2000))
export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# shellcheck disable=SC2086
java -Xmx512m $opens -cp "$home/jars/*" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" \
  --webui-port $((port + 1)) > "$work/logs/master.log" 2>&1 &
pids+=($!)
sleep 6
# shellcheck disable=SC2086
java -Xmx512m $opens -cp "$home/jars/*" org.apache.spark.deploy.worker.Worker "spark://127.0.0.1:$port" \
  --cores "$cores" --memory 4g --webui-port $((port + 2)) --work-dir "$work/worker" > "$work/logs/worker.log" 2>&1 &
pids+=($!)
sleep 8
start=$(date +%s.%N)
"$here/hush" spark image "$in" -o "$work/cluster-out" --master "spark://127.0.0.1:$port" -m "$model"
cluster=$(echo "$(date +%s.%N) - $start" | bc)
start=$(date +%s.%N)
"$here/hush" image "$in" -o "$work/single-out" -m "$model" --threads "$cores" > /dev/null
single=$(echo "$(date +%s.%N) - $start" | bc)
same=0; differ=0
while IFS= read -r -d '' f; do
  rel="${f#"$work/single-out/"}"
  if cmp -s "$f" "$work/cluster-out/$rel"; then same=$((same + 1)); else differ=$((differ + 1)); echo "differs: $rel"; fi
done < <(find "$work/single-out" -type f -print0)
executors=$(find "$work/worker" -name stderr | wc -l)
echo "standalone cluster (master, worker, $executors executor JVM(s), $cores cores): $same file(s) byte-identical to hush image, $differ differ"
printf 'wall time with JVM and Spark start-up: cluster %.1f s, hush image %.1f s\n' "$cluster" "$single"
[[ $differ -eq 0 && $same -gt 0 ]]

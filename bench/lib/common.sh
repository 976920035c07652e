# Shared by the bench scripts (sourced): machine description, a network namespace with a socket
# population, and one agent run measured from /proc (time to /readyz 200, VmRSS/VmHWM, CPU).
# Needs root (ip netns), iproute2, curl and JDK 25 (JAVA_HOME).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"
jar="${SOCKSCOPE_JAR:-$repo/agent/target/sockscope.jar}"
holder_src="$repo/agent/src/test/java/io/sockscope/it/SocketHolder.java"
clk_tck=$(getconf CLK_TCK)
ns="ssc-bench-$$"

describe_machine() {
  echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r)"
  echo "jdk:     $("$java" -version 2>&1 | sed -n 2p)"
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (shared machine: figures are upper bounds)"
}

make_ns() {
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip netns exec "$ns" sysctl -qw net.ipv4.ip_local_port_range="10000 65535" net.core.somaxconn=4096
}

# hold_sockets PAIRS: 2 x PAIRS established loopback sockets in the namespace, until cleanup.
# Several holder processes: the open-files hard limit here is 20,000 per process.
holder_fds=()
holders=0
hold_sockets() {
  local left=$1 n fd
  while ((left > 0)); do
    n=$((left < 9000 ? left : 9000)); left=$((left - n)); holders=$((holders + 1))
    exec {fd}> >(exec ip netns exec "$ns" "$java" -Xmx256m -XX:+UseSerialGC "$holder_src" "$n" >"$tmp/holder.$holders")
    holder_fds+=("$fd")
  done
  for _ in $(seq 900); do
    (($(cat "$tmp"/holder.* 2>/dev/null | grep -c ready) == holders)) && break; sleep 0.2
  done
  (($(cat "$tmp"/holder.* | grep -c ready) == holders)) || { cat "$tmp"/holder.* >&2; echo "socket holders did not start" >&2; exit 1; }
}

# Sockets held so far (listeners included), as the holders reported them.
held_sockets() { cat "$tmp"/holder.* 2>/dev/null | awk '{n += $2} END {print n + 0}'; }

stop_holder() {
  local fd
  for fd in "${holder_fds[@]}"; do exec {fd}>&-; done
  holder_fds=()
}

cleanup() {
  stop_holder
  ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  if [[ -n ${cg:-} ]]; then sleep 0.5; rmdir "$cg" 2>/dev/null || true; fi
  rm -rf "$tmp"
}

ns_curl() { ip netns exec "$ns" curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1$2" || true; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
status_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

# start_ready PORT READY_PATH COMMAND...: starts COMMAND in the namespace (prefixed by "${wrap[@]}"
# when set; output to $tmp/agent.log) and polls READY_PATH until it answers 200. Sets the caller's
# t0, t1 (date +%s%N) and pid. The poll is one bash in the namespace speaking HTTP over /dev/tcp
# every 10 ms: a curl started through `ip netns exec` every 10 ms (as this did until 2026-12-02)
# took about a core of the two the JVM starts on, and added ~0.25 s to every ready time measured
# (bench/startup 9 sidecar, AOT cache: 780 ms with it, 536-560 without; docs/performance.md,
# "Ready, measured without disturbing it").
start_ready() {
  local port=$1 ready=$2 poller; shift 2
  t0=$(date +%s%N)
  "${wrap[@]}" ip netns exec "$ns" "$@" >"$tmp/agent.log" 2>&1 &
  pid=$!
  ip netns exec "$ns" bash -c "$ready_poll" _ "$port" "$ready" "$pid" &
  poller=$!
  wait "$poller" || { cat "$tmp/agent.log" >&2; return 1; }
  t1=$(date +%s%N)
}
# ready_poll PORT PATH PID: exits 0 once http://127.0.0.1:PORT/PATH answers 200, 1 if PID is gone.
# No process per attempt: the connection is bash's /dev/tcp, the 10 ms wait a read timeout.
ready_poll='
  exec 5< <(exec sleep infinity)
  while kill -0 "$3" 2>/dev/null; do
    if { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null; then
      printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" "$2" >&3
      read -r _ code _ <&3
      exec 3>&- 3<&-
      [[ $code == 200 ]] && { kill $! 2>/dev/null; exit 0; }
    fi
    read -t 0.01 -u 5 _
  done
  kill $! 2>/dev/null
  exit 1'

# measure WINDOW_S PORT READY_PATH METRICS_PATH COMMAND...: (prefixed by "${wrap[@]}" when set,
# which must exec too) starts COMMAND in the namespace, waits
# for READY_PATH to answer 200, settles SETTLE_S (default 2) s, then prints "ready_ms rss hwm anon cpu_pct scanned tls_ok"
# (VmRSS, VmHWM, RssAnon in MiB: anonymous memory is what a pod's cgroup is always charged for)
# measured over WINDOW_S seconds (scraping METRICS_PATH every 15 s, as Prometheus would).
# COMMAND must exec the measured process (the launcher does), so that $! is its pid.
# BREAKDOWN=FILE appends where the CPU went over the window to FILE: % of a core per thread name
# (threads of one name summed: the virtual-thread carriers), and the young/full GCs (jstat).
measure() {
  local window=$1 port=$2 ready=$3 metrics=$4; shift 4
  local t0 t1 pid c0 c1 w0 w1 scanned tls_ok rss hwm anon left step
  start_ready "$port" "$ready" "$@" || return 1
  # SETTLE_S=120: the window is minute 3 after ready, the steady state (C1 done, heap grown)
  sleep "${SETTLE_S:-2}"
  [[ -n ${BREAKDOWN:-} ]] && breakdown_snapshot "$pid" >"$tmp/threads.0"
  c0=$(cpu_ticks "$pid"); w0=$(date +%s%N); left=$window
  while ((left > 0)); do
    step=$((left < 15 ? left : 15)); sleep "$step"; left=$((left - step))
    ns_curl "$port" "$metrics" >/dev/null
  done
  c1=$(cpu_ticks "$pid"); w1=$(date +%s%N)
  [[ -n ${BREAKDOWN:-} ]] && breakdown_snapshot "$pid" >"$tmp/threads.1" \
    && breakdown_report >>"$BREAKDOWN"
  ip netns exec "$ns" curl -s "http://127.0.0.1:$port$metrics" >"$tmp/metrics.txt" || true
  scanned=$(awk '$1 == "sockscope_sampler_sockets_scanned" {print $2}' "$tmp/metrics.txt")
  tls_ok=$(awk '$1 ~ /^sockscope_tls_probe_success[{]/ {n += $2} END {print n + 0}' "$tmp/metrics.txt")
  rss=$(status_kib "$pid" VmRSS); hwm=$(status_kib "$pid" VmHWM); anon=$(status_kib "$pid" RssAnon)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  awk -v r="$(( (t1 - t0) / 1000000 ))" -v rss="$rss" -v hwm="$hwm" -v dc="$((c1 - c0))" -v a="$anon" \
      -v hz="$clk_tck" -v w="$((w1 - w0))" -v s="${scanned:-0}" -v t="$tls_ok" \
    'BEGIN { printf "%7d %8.1f %8.1f %8.1f %7.2f %8d %6d\n", r, rss / 1024, hwm / 1024, a / 1024, 100 * dc / hz / (w / 1e9), s, t }'
}

# breakdown_snapshot PID: "gc YGC FGC" (jstat), "at NOW ns", then "tid on-cpu-ns name" per thread
# (schedstat: exact, where utime and stime are 10 ms ticks sampled, too coarse for threads that
# wake briefly).
breakdown_snapshot() {
  local t
  "$JAVA_HOME/bin/jstat" -gc "$1" 2>/dev/null | awk 'NR == 2 {print "gc", $(NF-6), $(NF-4); ok = 1} END {if (!ok) print "gc -1 -1"}'
  echo "at $(date +%s%N) ns"
  for t in /proc/"$1"/task/*; do
    echo "${t##*/} $(cut -d' ' -f1 "$t/schedstat") $(tr ' ' _ <"$t/comm")"
  done 2>/dev/null
}

# breakdown_report: per thread name, % of a core between threads.0 and .1 (threads that started
# in between count from 0), and the collections.
breakdown_report() {
  awk '
    FNR == 1 { f++ }
    $1 == "gc" { g[f] = $2; fg[f] = $3; next }
    $1 == "at" { at[f] = $2; w = at[2] - at[1]; next }
    NF < 3 { next } # a thread that ended while it was read
    f == 1 { c0[$1] = $2; next }
    { by[$3] += $2 - ($1 in c0 ? c0[$1] : 0); all += $2 - ($1 in c0 ? c0[$1] : 0) }
    END {
      for (n in by) if (100 * by[n] / w >= 0.005) printf "  %-24s %6.2f %%\n", n, 100 * by[n] / w | "sort -k2 -rn"
      close("sort -k2 -rn")
      printf "  all threads alive at the end %.2f %%; young GCs %d, full GCs %d in %.0f s\n", 100 * all / w, g[2] - g[1], fg[2] - fg[1], w / 1e9
    }' "$tmp/threads.0" "$tmp/threads.1"
}

# harness_jar MAIN LIB_JAR: bench/lib/MAIN.java built into a jar whose manifest puts LIB_JAR
# (linked beside it under its own name) on the class path, for bin/sockscope to run as
# SOCKSCOPE_JAR with the agent's flags; prints its path.
harness_jar() {
  local dir="$tmp/harness-$1" lib=${2##*/}
  mkdir -p "$dir"
  ln -sf "$2" "$dir/$lib"
  "$JAVA_HOME/bin/javac" -cp "$2" -d "$dir/classes" "$repo/bench/lib/$1.java"
  printf 'Class-Path: %s\n' "$lib" >"$dir/manifest"
  "$JAVA_HOME/bin/jar" --create --file "$dir/$1.jar" --main-class "$1" \
    --manifest "$dir/manifest" -C "$dir/classes" .
  echo "$dir/$1.jar"
}

# run_agent WINDOW_S [agent args...]: the agent through bin/sockscope (SOCKSCOPE_JAVA_OPTS,
# SOCKSCOPE_HEAP, SOCKSCOPE_AOT_CACHE from the environment) on port 9102.
run_agent() {
  local window=$1; shift
  measure "$window" 9102 /readyz /metrics env SOCKSCOPE_JAR="$jar" "$repo/bin/sockscope" "$@"
}

wrap=()
tmp=$(mktemp -d)
trap cleanup EXIT

# hold_mock_api COUNT: Fabric8's mock API server (io.sockscope.it.MockApiServer, from the agent's
# test classes, with the test class path from Maven) in the namespace on 127.0.0.1:18080 with COUNT
# Services and EndpointSlices, until cleanup. mock_api_env: what a sidecar needs to watch it.
hold_mock_api() {
  local cp fd
  (cd "$repo" && mvn -B -q -pl agent dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$tmp/test.classpath" >/dev/null 2>&1)
  cp="$repo/agent/target/test-classes:$(cat "$tmp/test.classpath")"
  exec {fd}> >(exec ip netns exec "$ns" "$java" -Xmx256m -cp "$cp" io.sockscope.it.MockApiServer 18080 "$1" >"$tmp/mockapi.out" 2>&1)
  holder_fds+=("$fd")
  for _ in $(seq 600); do grep -q '^ready' "$tmp/mockapi.out" 2>/dev/null && break; sleep 0.2; done
  grep -q '^ready' "$tmp/mockapi.out" || { tail -5 "$tmp/mockapi.out" >&2; echo "mock API server did not start" >&2; exit 1; }
}
mock_api_env=(KUBERNETES_MASTER=http://127.0.0.1:18080 POD_NAMESPACE=ns
  KUBERNETES_AUTH_TRYKUBECONFIG=false KUBERNETES_AUTH_TRYSERVICEACCOUNT=false)

# make_cgroup LIMIT_MIB: a memory cgroup below this shell's own (cgroup v1 memory controller, else
# v2) limited to LIMIT_MIB, as a pod's container is; sets $cg and $cg_version, or returns 1.
make_cgroup() {
  local own
  if own=$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup) && [[ -n $own && -d /sys/fs/cgroup/memory$own ]]; then
    cg=/sys/fs/cgroup/memory$own/ssc-bench-$$; cg_version=1
    mkdir -p "$cg" && echo $(($1 * 1048576)) >"$cg/memory.limit_in_bytes" || return 1
  elif own=$(awk -F: '$1 == "0" {print $3}' /proc/self/cgroup) && [[ -f /sys/fs/cgroup$own/cgroup.controllers ]] \
      && grep -qw memory "/sys/fs/cgroup$own/cgroup.subtree_control" 2>/dev/null; then
    cg=/sys/fs/cgroup$own/ssc-bench-$$; cg_version=2
    mkdir -p "$cg" && echo $(($1 * 1048576)) >"$cg/memory.max" || return 1
  else
    return 1
  fi
}

# cgroup_report: "charged_peak_mib oom_kills limit_hits" of $cg (v1: max_usage, failcnt; v2: peak,
# events "max").
cgroup_report() {
  if [[ $cg_version == 1 ]]; then
    echo "$(($(cat "$cg/memory.max_usage_in_bytes") / 1048576)) $(awk '$1 == "oom_kill" {print $2}' "$cg/memory.oom_control") $(cat "$cg/memory.failcnt")"
  else
    echo "$(($(cat "$cg/memory.peak") / 1048576)) $(awk '$1 == "oom_kill" {print $2}' "$cg/memory.events") $(awk '$1 == "max" {print $2}' "$cg/memory.events")"
  fi
}

# "${in_cgroup[@]}" "$cg" COMMAND...: runs COMMAND inside $cg (exec: the pid stays the measured
# one). Outside `ip netns exec`, which mounts a sysfs of its own without the cgroup hierarchy.
in_cgroup=(sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"')

# sidecar_config: the lean sidecar's configuration as the chart deploys it, in $tmp/sidecar.yaml
# (role, port, kubernetes.secrets false, the peer-name file) with the peer names of 50 Services (a
# ClusterIP and an endpoint each) in a ConfigMap volume laid out as the kubelet writes it
# (timestamped directory, ..data symlink, key symlink).
sidecar_config() {
  local peers="$tmp/peers" i
  mkdir -p "$peers/..2026_12_01_00_00_00.1"
  { echo "# sockscope peer names v1: <ip> <service>.<namespace>"
    for i in $(seq 1 50); do echo "10.96.0.$i svc$i.ns"; echo "10.244.0.$i svc$i.ns"; done
  } >"$peers/..2026_12_01_00_00_00.1/peers"
  ln -s ..2026_12_01_00_00_00.1 "$peers/..data"; ln -s ..data/peers "$peers/peers"
  printf 'role: sidecar\nport: 9102\nkubernetes:\n  secrets: false\n  peerNamesFile: %s\n' \
    "$peers/peers" >"$tmp/sidecar.yaml"
}

#!/usr/bin/env bash
# A single-node Slurm cluster from Debian's packages (slurmctld, slurmd, slurm-client, munge), with
# every file it needs in one folder: nothing under /etc, no systemd, no cgroups, no accounting
# database. It is what CI tests `wf run --executor slurm` against, and a way to try the executor on
# a laptop.
#
#   tools/slurm-cluster.sh up       # start it (installs nothing; see .ci/run) and print the export line
#   tools/slurm-cluster.sh status   # sinfo and the queue
#   tools/slurm-cluster.sh down     # stop the daemons (the folder is kept for its logs)
#   eval "$(tools/slurm-cluster.sh env)"   # SLURM_CONF for sbatch/squeue/scontrol in this shell
#
# WF_SLURM_DIR chooses the folder (default /tmp/wf-slurm); WF_SLURM_GPUS the number of simulated GPUs
# (default 1; character devices aliasing /dev/null, enough for scheduling `--gres=gpu:N`).
set -euo pipefail

dir="${WF_SLURM_DIR:-/tmp/wf-slurm}"
gpus="${WF_SLURM_GPUS:-1}"
conf="$dir/etc/slurm.conf"
host="$(hostname -s)"
sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo"

need() { command -v "$1" >/dev/null 2>&1 || { echo "$1 is missing: apt-get install slurmctld slurmd slurm-client munge" >&2; exit 1; }; }

write_config() {
  mkdir -p "$dir"/{etc,munge,state,spool,log,run,dev}
  # munged refuses a socket folder others can write to and a key others can read.
  chmod 755 "$dir" "$dir/munge"
  if [ ! -f "$dir/munge/munge.key" ]; then
    head -c 1024 /dev/urandom > "$dir/munge/munge.key"
    chmod 0400 "$dir/munge/munge.key"
  fi
  local cpus mem
  cpus="$(nproc)"
  # Leave the node 1 GiB; DefMemPerCPU keeps one job from claiming all of it.
  mem=$(( $(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo) - 1024 ))
  cat > "$conf" <<EOF
ClusterName=wf
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=${WF_SLURM_CTLD_PORT:-16817}
SlurmdPort=${WF_SLURM_D_PORT:-16818}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket.2
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,sched_interval=1,bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
DefMemPerCPU=1024
SlurmdParameters=config_overrides
ReturnToService=2
MinJobAge=600
KillWait=5
GresTypes=gpu
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem Gres=gpu:$gpus State=UNKNOWN
PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  : > "$dir/etc/gres.conf"
  for ((i = 0; i < gpus; i++)); do
    # A GPU without File= drains the node; a character device is all scheduling needs.
    [ -e "$dir/dev/nvidia$i" ] || mknod "$dir/dev/nvidia$i" c 1 3
    echo "NodeName=$host Name=gpu File=$dir/dev/nvidia$i" >> "$dir/etc/gres.conf"
  done
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

up() {
  need munged; need slurmctld; need slurmd; need sbatch
  if [ "$(id -u)" -ne 0 ]; then exec $sudo_ env WF_SLURM_DIR="$dir" WF_SLURM_GPUS="$gpus" "$0" up; fi
  write_config
  pid_alive "$dir/run/munged.pid" || munged --force --socket="$dir/munge/munge.socket.2" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/run/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed"
  export SLURM_CONF="$conf"
  pid_alive "$dir/run/slurmctld.pid" || slurmctld -f "$conf"
  pid_alive "$dir/run/slurmd.pid" || slurmd -f "$conf"
  # Ready when the node takes jobs.
  for _ in $(seq 1 60); do
    state="$(sinfo -h -N -o %t 2>/dev/null | head -1 || true)"
    case "$state" in idle|mix|alloc) echo "export SLURM_CONF=$conf"; return 0 ;; esac
    sleep 0.5
  done
  echo "the Slurm node did not come up (state '${state:-unknown}'); logs in $dir/log" >&2
  tail -n 20 "$dir/log/"*.log >&2 || true
  exit 1
}

down() {
  if [ "$(id -u)" -ne 0 ] && [ -d "$dir/run" ]; then exec $sudo_ env WF_SLURM_DIR="$dir" "$0" down; fi
  for daemon in slurmd slurmctld munged; do
    if pid_alive "$dir/run/$daemon.pid"; then
      pid="$(cat "$dir/run/$daemon.pid")"
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) SLURM_CONF="$conf" sinfo; SLURM_CONF="$conf" squeue ;;
  env) echo "export SLURM_CONF=$conf" ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# A one-node SLURM on localhost (Debian's slurmctld, slurmd, slurm-client, munge; no cgroups, no accounting
# database), for testing the workflow through Snakemake's SLURM executor plugin. Needs root.
#
#   bash ci/local-slurm.sh start    # start munged (unless one answers), slurmctld and slurmd; wait for an idle node
#   bash ci/local-slurm.sh stop     # stop exactly the daemons `start` started, by the pids in their pid files
#   bash ci/local-slurm.sh status   # which of our daemons run; sinfo
#
# `start` can be rerun: a daemon whose pid file names a live process is left alone, and slurmctld starts from
# an empty state folder, so saved state of an earlier cluster never trips it. Install the packages first:
#   apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge
set -uo pipefail

STATE=${GOODCARE_SLURM_DIR:-/var/tmp/goodcare-slurm}
PIDS=$STATE/pids
CONF=/etc/slurm/slurm.conf
MARK="# Written by goodcare ci/local-slurm.sh"

log() { echo "local-slurm: $*" >&2; }
die() { log "$*"; exit 1; }

# The pid in a pid file, if that process is alive and runs the named program (a recycled pid is not ours).
live_pid() {
    local file=$PIDS/$1.pid pid
    [ -s "$file" ] || return 1
    pid=$(tr -dc '0-9' <"$file")
    [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$1" ] && echo "$pid"
}

munge_answers() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

write_conf() {
    # Never overwrite a slurm.conf this script did not write (it may be a real cluster's).
    if [ -e "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
        die "$CONF exists and was not written by this script; not touching it"
    fi
    local cpus mem
    cpus=$(nproc)
    mem=$(( $(awk '/MemTotal/{print int($2/1024)}' /proc/meminfo) - 2048 ))
    mkdir -p /etc/slurm
    cat >"$CONF" <<CONF
$MARK: a throwaway one-node cluster for tests.
ClusterName=goodcare-local
SlurmctldHost=localhost
AuthType=auth/munge
CredType=cred/munge
# No cgroups: processes are tracked through /proc, tasks are not confined.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SlurmUser=slurm
SlurmctldPidFile=$PIDS/slurm/slurmctld.pid
SlurmdPidFile=$PIDS/slurmd.pid
StateSaveLocation=$STATE/slurmctld
SlurmdSpoolDir=$STATE/slurmd
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/linux
# No accounting database: sacct cannot answer, so the executor polls squeue, which needs finished jobs
# kept visible for a while (MinJobAge, seconds).
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MinJobAge=300
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
}

start_munged() {
    if live_pid munged >/dev/null; then log "munged already running (ours)"; return; fi
    if munge_answers; then log "munged already running (not ours; left alone)"; return; fi
    [ -s /etc/munge/munge.key ] || { mungekey --create --force && chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key; } \
        || die "cannot create /etc/munge/munge.key"
    mkdir -p /run/munge && chown munge:munge /run/munge
    # munged forks and writes its own pid file (in a folder the munge user may write).
    runuser -u munge -- /usr/sbin/munged --pid-file="$PIDS/munge/munged.pid" || die "munged did not start"
    for _ in $(seq 1 20); do [ -s "$PIDS/munge/munged.pid" ] && break; sleep 0.25; done
    munge_answers || die "munged started but does not answer"
    log "munged started (pid $(live_pid munged))"
}

start_slurm() {
    if live_pid slurmctld >/dev/null; then
        log "slurmctld already running (ours)"
    else
        scontrol ping 2>/dev/null | grep -q UP && die "a slurmctld not started by this script answers; stop it first"
        # Start from empty state: saved state of an earlier cluster (another name, dead jobs) would trip it.
        rm -rf "$STATE/slurmctld" && mkdir -p "$STATE/slurmctld" && chown slurm:slurm "$STATE/slurmctld"
        /usr/sbin/slurmctld -c || die "slurmctld did not start (see $STATE/log/slurmctld.log)"
    fi
    if live_pid slurmd >/dev/null; then
        log "slurmd already running (ours)"
    else
        /usr/sbin/slurmd -N localhost || die "slurmd did not start (see $STATE/log/slurmd.log)"
    fi
}

wait_for_idle() {
    local state
    for _ in $(seq 1 60); do
        state=$(sinfo -h -n localhost -o %t 2>/dev/null)
        case $state in
            idle*|mix*|alloc*) sinfo; return 0 ;;
            down*|drain*) scontrol update nodename=localhost state=resume 2>/dev/null ;;
        esac
        sleep 1
    done
    sinfo >&2
    tail -n 20 "$STATE/log/slurmctld.log" "$STATE/log/slurmd.log" >&2
    die "no idle node after 60 s"
}

start() {
    [ "$(id -u)" = 0 ] || die "start needs root"
    for cmd in munged slurmctld slurmd sbatch; do
        command -v "$cmd" >/dev/null || [ -x "/usr/sbin/$cmd" ] || die "$cmd not installed (apt-get install slurmctld slurmd slurm-client munge)"
    done
    # munged insists on a pid file path no other user may write; slurmctld writes its own as SlurmUser.
    mkdir -p "$PIDS/munge" "$PIDS/slurm" "$STATE/log" "$STATE/slurmd"
    chown root:root "$STATE" "$PIDS" && chmod 755 "$STATE" "$PIDS"
    chown munge:munge "$PIDS/munge"
    chown slurm:slurm "$PIDS/slurm" "$STATE/log"
    ln -sf munge/munged.pid "$PIDS/munged.pid"
    ln -sf slurm/slurmctld.pid "$PIDS/slurmctld.pid"
    write_conf
    start_munged
    start_slurm
    wait_for_idle
}

stop_one() {
    local name=$1 pid
    pid=$(live_pid "$name") || return 0
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then log "$name ($pid) ignored TERM; killing"; kill -KILL "$pid" 2>/dev/null; fi
    rm -f "$(readlink -f "$PIDS/$name.pid")"
    log "stopped $name ($pid)"
}

stop() {
    # Every daemon is tried even if one fails: slurmd first (it runs the jobs), munged last (the others use it).
    local rc=0
    for name in slurmd slurmctld munged; do stop_one "$name" || rc=1; done
    return $rc
}

status() {
    for name in munged slurmctld slurmd; do
        if pid=$(live_pid "$name"); then echo "$name running (pid $pid)"; else echo "$name not running (ours)"; fi
    done
    sinfo 2>/dev/null || true
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) die "usage: $0 start|stop|status" ;;
esac

#!/usr/bin/env bash
# A throwaway OpenSSH server on 127.0.0.1 for tests, the demo and the benchmarks.
#   sshd-lab.sh start DIR PORT [USER] [HOSTROOT]   temp host key, temp client key, known_hosts, sshd -> DIR
#     With HOSTROOT, sshd runs in its own mount namespace where HOSTROOT is mounted at /srv/slipway-hosts:
#     two labs then look like two machines with separate disks under that path.
#   sshd-lab.sh stop DIR
# Needs root (sshd privilege separation); USER (default: slipway) is created and unlocked for key logins.
set -euo pipefail
cmd=${1:?start|stop} dir=${2:?dir}
case "$cmd" in
stop)
  [ -f "$dir/sshd.pid" ] && kill "$(cat "$dir/sshd.pid")" 2>/dev/null || true
  exit 0 ;;
start) ;;
*) echo "usage: sshd-lab.sh start|stop DIR [PORT] [USER]" >&2; exit 2 ;;
esac
port=${3:?port} user=${4:-slipway} hostroot=${5:-}
sshd=$(command -v sshd || echo /usr/sbin/sshd)
[ -x "$sshd" ] || { echo "sshd-lab: OpenSSH server missing; install it: apt-get install -y openssh-server" >&2; exit 2; }
if ! id "$user" >/dev/null 2>&1; then
  useradd -m -s /bin/bash "$user"
fi
# useradd leaves the account locked ('!'): sshd without PAM refuses locked accounts even for keys.
# (only when needed: several labs start at once, and usermod locks /etc/passwd)
[ "$(getent shadow "$user" | cut -d: -f2)" = '*' ] || usermod -p '*' "$user"
mkdir -p "$dir" /run/sshd
chmod 755 "$dir"
[ -f "$dir/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$dir/host_ed25519"
[ -f "$dir/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C slipway-lab -f "$dir/id_ed25519"
cp "$dir/id_ed25519.pub" "$dir/authorized_keys"
chmod 644 "$dir/authorized_keys"
echo "[127.0.0.1]:$port $(cut -d' ' -f1-2 "$dir/host_ed25519.pub")" > "$dir/known_hosts"
cat > "$dir/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_ed25519
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
AllowUsers $user
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
UsePAM no
StrictModes no
LogLevel VERBOSE
MaxSessions 50
MaxStartups 100:30:200
Subsystem sftp internal-sftp
CONF
rm -f "$dir/sshd.pid"
if [ -n "$hostroot" ]; then
  mkdir -p "$hostroot" /srv/slipway-hosts
  chown "$user:$user" "$hostroot"
  unshare --mount --propagation private bash -c 'mount --bind "$1" /srv/slipway-hosts && exec "$2" -f "$3/sshd_config" -E "$3/sshd.log"' _ "$hostroot" "$sshd" "$dir"
else
  "$sshd" -f "$dir/sshd_config" -E "$dir/sshd.log"
fi
for _ in $(seq 1 100); do [ -s "$dir/sshd.pid" ] && break; sleep 0.05; done
[ -s "$dir/sshd.pid" ] || { echo "sshd-lab: sshd did not start; see $dir/sshd.log" >&2; cat "$dir/sshd.log" >&2; exit 1; }
echo "port=$port user=$user key=$dir/id_ed25519 known_hosts=$dir/known_hosts"

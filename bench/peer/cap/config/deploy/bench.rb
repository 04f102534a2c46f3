# The lab sshd on 127.0.0.1 (scripts/sshd-lab.sh): same user and key as Slipway. The host key is
# checked against the lab's known_hosts, like Slipway does.
server "127.0.0.1", user: "slipway", roles: %w[app db web], port: Integer(ENV.fetch("BENCH_PORT"))

set :ssh_options, {
  keys: [ENV.fetch("BENCH_KEY")],
  keys_only: true,
  auth_methods: %w[publickey],
  user_known_hosts_file: ENV.fetch("BENCH_KNOWN_HOSTS"),
  global_known_hosts_file: "/dev/null",
  verify_host_key: :always,
  non_interactive: true
}

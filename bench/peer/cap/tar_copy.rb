# An SCM plugin that ships the local source tree like Slipway does (no git on the host):
# tar it locally, upload the archive (net-scp), unpack it into the release, remove the archive.
# Uncompressed, as Slipway's stream: on loopback, gzip would only cost CPU.
require "capistrano/scm/plugin"
require "tmpdir"

class TarCopy < Capistrano::SCM::Plugin
  def set_defaults
    set_if_empty :tar_source, -> { ENV.fetch("BENCH_SOURCE") }
    set_if_empty :tar_revision, -> { ENV.fetch("BENCH_REVISION", "local") }
  end

  def register_hooks
    after "deploy:new_release_path", "tar_copy:create_release"
    before "deploy:set_current_revision", "tar_copy:set_current_revision"
  end

  def define_tasks
    namespace :tar_copy do
      task :create_release do
        local = File.join(Dir.tmpdir, "cap-bench-#{Process.pid}.tar")
        remote = "#{fetch(:tmp_dir)}/cap-bench-#{fetch(:release_timestamp)}.tar"
        run_locally { execute :tar, "-cf", local, "-C", fetch(:tar_source), "." }
        on release_roles(:all) do
          execute :mkdir, "-p", release_path
          upload! local, remote
          execute :tar, "-xf", remote, "-C", release_path
          execute :rm, "-f", remote
        end
        File.delete(local)
      end

      task :set_current_revision do
        set :current_revision, fetch(:tar_revision)
      end
    end
  end
end

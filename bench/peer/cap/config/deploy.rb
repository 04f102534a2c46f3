# The same deploy as bench/peer's Slipway spec (preset: laravel without build/activate hooks):
# shared .env and storage, writable storage + bootstrap/cache, `php artisan migrate --force`
# in the new release before the switch, keep_releases 3.
lock "~> 3.17"

set :application, "bench"
set :deploy_to, ENV.fetch("BENCH_PATH")
set :keep_releases, 3
set :linked_files, %w[.env]
set :linked_dirs, %w[storage]
set :tmp_dir, ENV.fetch("BENCH_TMP", "/tmp")
set :format, :airbrussh
set :log_level, :info

namespace :deploy do
  desc "Make the writable directories (as Slipway's `writable`)"
  task :writable do
    on release_roles(:all) do
      within release_path do
        execute :mkdir, "-p", "storage", "bootstrap/cache"
        execute :chmod, "-R", "ug+rwX", "storage", "bootstrap/cache"
      end
    end
  end
  after "deploy:symlink:shared", "deploy:writable"

  desc "Run the database migrations in the new release"
  task :migrate do
    on primary(:db) do
      within release_path do
        execute :php, "artisan", "migrate", "--force"
      end
    end
  end
  after "deploy:updated", "deploy:migrate"

  # BENCH_HOOKS=1: the Laravel preset's artisan hooks, as in bench/peer/peer.ts: config/route caches in the new
  # release before the switch; queue:restart after it; cache:clear and queue:restart after a rollback.
  task :bench_build do
    next unless ENV["BENCH_HOOKS"] == "1"
    on release_roles(:all) do
      within release_path do
        %w[config:cache route:cache].each { |c| execute :php, "artisan", c }
      end
    end
  end
  after "deploy:writable", "deploy:bench_build"

  task :bench_hooks do
    next unless ENV["BENCH_HOOKS"] == "1"
    rolling_back = Rake.application.top_level_tasks.any? { |t| t.end_with?("rollback") }
    cmds = rolling_back ? %w[cache:clear queue:restart] : %w[queue:restart]
    on release_roles(:all) do
      within current_path do
        cmds.each { |c| execute :php, "artisan", c }
      end
    end
  end
  after "deploy:symlink:release", "deploy:bench_hooks"
end

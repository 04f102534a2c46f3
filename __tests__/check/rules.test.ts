import { describe, expect, test } from '@jest/globals'
import { cp, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkMigrations, type Finding } from '../../src/check/index.js'
import { FIXTURES } from './helpers.js'

const HEAD = `<?php

use Illuminate\\Database\\Migrations\\Migration;
use Illuminate\\Database\\Schema\\Blueprint;
use Illuminate\\Support\\Facades\\DB;
use Illuminate\\Support\\Facades\\Schema;

`

async function checkPhp(body: string): Promise<Finding[]> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-rules-'))
  await writeFile(join(dir, 'm.php'), HEAD + body)
  return (await checkMigrations({ cwd: dir, paths: ['m.php'] })).findings
}

const brief = (fs: Finding[]): string[] => fs.map((f) => `${f.line}:${f.column} ${f.ruleId}`)

describe('Laravel rules', () => {
  test('literal SQL in DB::statement() goes through the PostgreSQL rules, at its own line and column', async () => {
    const findings = await checkPhp(`return new class extends Migration {
    public function up(): void
    {
        DB::statement('CREATE INDEX users_email_index ON users (email)');
        DB::statement('
            ALTER TABLE users ALTER COLUMN email SET NOT NULL
        ');
    }

    public function down(): void
    {
        DB::statement('DROP INDEX users_email_index');
        DB::statement('ALTER TABLE users ALTER COLUMN email DROP NOT NULL');
    }
};
`)
    expect(brief(findings)).toEqual(['11:24 pg-create-index', '13:13 pg-set-not-null'])
    expect(findings[0]?.message).toBe('CREATE INDEX on users blocks writes to the table while it builds')
  })

  test('messages name the table, the column and what breaks', async () => {
    const findings = await checkPhp(`return new class extends Migration {
    public function up(): void
    {
        Schema::dropColumns('users', ['nickname', 'bio']);
        Schema::table('teams', function (Blueprint $table) {
            $table->foreignId('owner_id')->constrained('users');
        });
    }

    public function down(): void
    {
        Schema::table('users', function (Blueprint $table) {
            $table->string('nickname')->nullable();
            $table->text('bio')->nullable();
        });
        Schema::table('teams', function (Blueprint $table) {
            $table->dropColumn('owner_id');
        });
    }
};
`)
    expect(findings.map((f) => `${f.line} ${f.ruleId}: ${f.message}`)).toEqual([
      '11 drop-column: dropping users.nickname, users.bio breaks the code still reading them and destroys the data',
      '13 add-foreign-key: adding foreign key teams_owner_id_foreign validates every row of teams while writes are blocked',
      '13 add-not-null-column: teams.owner_id is added NOT NULL without a default: the running code\'s INSERTs fail (and Postgres/SQLite refuse it on a non-empty table)',
      '13 down-mismatch: up() adds foreign key teams_owner_id_foreign; down() drops its column but not the key, which MySQL refuses: use dropConstrainedForeignId() or dropForeign() first'
    ])
  })

  test('a table created in the same migration can be indexed, altered and filled freely', async () => {
    const findings = await checkPhp(`return new class extends Migration {
    public function up(): void
    {
        Schema::create('badges', function (Blueprint $table) {
            $table->id();
        });
        Schema::table('badges', function (Blueprint $table) {
            $table->string('name');
            $table->unique('name');
            $table->foreignId('user_id')->constrained();
        });
    }

    public function down(): void
    {
        Schema::drop('badges');
    }
};
`)
    expect(findings).toEqual([])
  })
})

describe('change() and the Laravel version', () => {
  const history = join(FIXTURES, 'laravel', 'history')
  const ids = async (cwd: string, laravel?: number): Promise<string[]> =>
    brief((await checkMigrations({ cwd, paths: ['.'], ...(laravel ? { config: { laravel } } : {}) })).findings.filter((f) => f.file.includes('articles')))

  test('change-drops-modifiers names what the earlier migration set', async () => {
    const r = await checkMigrations({ cwd: history, paths: ['2024_01_02_000000_change_articles_title.php'] })
    expect(r.findings.map((f) => f.message)).toEqual([
      "->change() of articles.title from string(100) to text() rewrites the table under an exclusive lock and breaks code expecting the old type (defined in 2024_01_01_000000_create_articles_table.php:14)",
      "->change() of articles.title does not restate nullable(), default('untitled') (defined in 2024_01_01_000000_create_articles_table.php:14): Laravel 11+ drops them (no composer.lock names laravel/framework: assumed 11+, set check.laravel)"
    ])
  })

  test('Laravel 10 keeps unstated modifiers: the spec setting or composer.lock turns the rule off', async () => {
    expect(await ids(history, 10)).toEqual(['13:13 change-column-type', '13:13 change-column-type'])
    const app = await mkdtemp(join(tmpdir(), 'slipway-laravel10-'))
    await cp(history, app, { recursive: true })
    await writeFile(join(app, 'composer.lock'), JSON.stringify({ packages: [{ name: 'laravel/framework', version: 'v10.48.4' }] }))
    expect(await ids(app)).toEqual(['13:13 change-column-type', '13:13 change-column-type'])
    await writeFile(join(app, 'composer.lock'), JSON.stringify({ packages: [{ name: 'laravel/framework', version: 'v11.9.0' }] }))
    expect(await ids(app)).toEqual(['13:13 change-column-type', '13:13 change-drops-modifiers', '13:13 change-column-type'])
  })
})

describe('the database decides', () => {
  const addIndex = `return new class extends Migration {
    public function up(): void
    {
        Schema::table('orders', function (Blueprint $table) {
            $table->index('placed_at');
        });
    }

    public function down(): void
    {
        Schema::table('orders', function (Blueprint $table) {
            $table->dropIndex(['placed_at']);
        });
    }
};
`
  const check = async (database?: string): Promise<string[]> => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-db-'))
    await writeFile(join(dir, 'm.php'), HEAD + addIndex)
    return (await checkMigrations({ cwd: dir, paths: ['m.php'], ...(database ? { config: { database } } : {}) })).findings.map((f) => f.message)
  }

  test('check.database: mysql drops the claim that ADD INDEX blocks writes; pgsql and unknown say who blocks', async () => {
    expect(await check('mysql')).toEqual([])
    expect(await check('pgsql')).toEqual(['adding index orders_placed_at_index to orders blocks writes to the table while it builds (check.database: pgsql)'])
    expect(await check()).toEqual(['adding index orders_placed_at_index to orders blocks writes (on PostgreSQL and SQLite; MySQL/MariaDB build it online) while it builds'])
  })

  test('an unknown check.database is bad input', async () => {
    await expect(check('oracle')).rejects.toThrow('check.database: oracle is not pgsql, mysql, mariadb, sqlite or sqlsrv')
  })
})

describe('check.policy: forward-only', () => {
  const forwardOnly = `return new class extends Migration {
    public function up(): void
    {
        Schema::table('orders', function (Blueprint $table) {
            $table->string('channel')->nullable();
        });
    }
};
`
  test('missing-down becomes a notice that says the release cannot step back; the check passes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-policy-'))
    await writeFile(join(dir, 'm.php'), HEAD + forwardOnly)
    const strict = await checkMigrations({ cwd: dir, paths: ['m.php'] })
    expect([strict.exitCode, strict.findings.map((f) => `${f.severity} ${f.ruleId}`)]).toEqual([1, ['error missing-down']])
    const r = await checkMigrations({ cwd: dir, paths: ['m.php'], config: { policy: 'forward-only' } })
    expect(r.exitCode).toBe(0)
    expect(r.findings.map((f) => `${f.severity} ${f.ruleId}: ${f.message}`)).toEqual([
      'notice missing-down: the migration has no down(): a failed release cannot roll its schema back (check.policy: forward-only: a release that ships it cannot step its schema back)'
    ])
  })
})

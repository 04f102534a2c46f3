/**
 * The Laravel matrix (support/laravel-matrix.ts) on a current Laravel from Composer (scripts/laravel-current.sh), on pgsql:
 * vendor/ built on the host by the preset's composer install, the 11+ skeleton, `migrate:rollback --batch`, `optimize`
 * and `reload`. One file per database so that jest's workers share the three.
 */
import { laravelMatrix } from '../support/laravel-matrix.js'

laravelMatrix('current', ['pgsql'])

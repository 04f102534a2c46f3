/**
 * The same matrix on a current Laravel from Composer (scripts/laravel-current.sh): vendor/ built on the host by
 * the preset's composer install, the 11+ skeleton, `migrate:rollback --batch`, `optimize` and `reload`.
 */
import { laravelMatrix } from '../support/laravel-matrix.js'

laravelMatrix('current')

/** Smoke tests, automatic rollback and exact migration step-back, on the Laravel 8 fixture (Debian's framework) over a real sshd. */
import { laravelMatrix } from '../support/laravel-matrix.js'

laravelMatrix('laravel8')

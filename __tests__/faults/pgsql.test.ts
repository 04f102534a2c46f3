/** The fault matrix (see matrix.ts) with the app's database on PostgreSQL. */
import { faultSuite } from './suite.js'

faultSuite('pgsql')

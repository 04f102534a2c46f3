/** The fault matrix (see matrix.ts) with the app's database on sqlite. */
import { faultSuite } from './suite.js'

faultSuite('sqlite')

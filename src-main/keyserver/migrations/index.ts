/** Every migration of the key server database, in order (versions only go up). */
import type { Migration } from '../../db/sqlite'
import { m0010Initial } from './0010-initial'

export const KEYSERVER_MIGRATIONS: readonly Migration[] = [m0010Initial]

/** Every migration of the key server database, in order (versions only go up). */
import type { Migration } from '../../db/sqlite'
import { m0010Initial } from './0010-initial'
import { m0011ApplicationId } from './0011-application-id'
import { m0012Namespaces } from './0012-namespaces'

export const KEYSERVER_MIGRATIONS: readonly Migration[] = [
  m0010Initial,
  m0011ApplicationId,
  m0012Namespaces,
]

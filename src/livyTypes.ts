/**
 * The Livy sessions of a `livy` cluster (`clusters/{name}/livy/sessions`, issue 10).
 */

/**
 * How a Livy endpoint authenticates: what sparkmagic supports, plus a
 * bearer token (Livy endpoints served by a Jupyter server take a token).
 */
export type LivyAuth = 'none' | 'basic' | 'kerberos' | 'token';

export const LIVY_AUTHS: readonly LivyAuth[] = [
  'none',
  'basic',
  'kerberos',
  'token'
];

/**
 * Livy's session kinds: Python, Scala, SQL and R.
 */
export type LivySessionKind = 'pyspark' | 'spark' | 'sql' | 'sparkr';

export const LIVY_SESSION_KINDS: readonly LivySessionKind[] = [
  'pyspark',
  'spark',
  'sql',
  'sparkr'
];

/**
 * Livy's session states on their way somewhere else.
 */
export const LIVY_TRANSITIONAL_STATES: readonly string[] = [
  'not_started',
  'starting',
  'recovering',
  'shutting_down'
];

/**
 * One Livy session, as the cluster's Livy endpoint reports it.
 */
export interface ILivySession {
  id: number;
  name?: string | null;
  kind: string | null;
  state: string | null;
  app_id: string | null;
  owner: string | null;
  proxy_user: string | null;
  spark_ui_url?: string | null;
  driver_log_url?: string | null;
}

/**
 * `GET clusters/{name}/livy/sessions`.
 */
export interface ILivySessionList {
  cluster: string;
  url: string;
  sessions: ILivySession[];
}

import type { ClusterKind, IClusterInfo, IClusterSpec, LivyAuth } from '../api';

/**
 * What the cluster form holds: strings, as typed, for every field of every
 * kind (switching kind back and forth keeps what was typed).
 */
export interface IClusterFormValues {
  name: string;
  kind: ClusterKind;
  /**
   * Local clusters: cores for local[N]; empty means all cores (local[*]).
   */
  cores: string;
  /**
   * Custom clusters: the master URL passed to spark-submit.
   */
  master: string;
  driverMemory: string;
  workers: string;
  workerCores: string;
  workerMemory: string;
  minExecutors: string;
  maxExecutors: string;
  /**
   * Remote clusters: the Spark Connect URL and token. Livy endpoints: the
   * Livy URL, and the token when `auth` is `token`.
   */
  url: string;
  token: string;
  /**
   * Livy endpoints: the auth kind, and basic auth's user name and password.
   */
  auth: LivyAuth;
  username: string;
  password: string;
  /**
   * `key=value` lines.
   */
  sparkConf: string;
  /**
   * `KEY=value` lines.
   */
  env: string;
  /**
   * Empty means the workspace default; 0 means never.
   */
  idleTimeout: string;
}

/**
 * The form's fields that can be wrong, by the name the form shows them under.
 */
export type ClusterFormField = keyof IClusterFormValues;

/**
 * Problems with the values, by field.
 */
export type ClusterFormErrors = Partial<Record<ClusterFormField, string>>;

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const MEMORY_PATTERN = /^[1-9][0-9]{0,8}(k|kb|m|mb|g|gb|t|tb)?$/i;
const ENV_KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const CONF_KEY_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.\-[\]:]{0,254}$/;
const LOCAL_MASTER_PATTERN = /^local(\[(\*|[1-9][0-9]{0,3})(,[0-9]{1,3})?\])?$/;
const LIVY_URL_PATTERN = /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/;
const REMOTE_URL_PATTERN =
  /^sc:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(:[0-9]{1,5})?\/?(;[A-Za-z_][A-Za-z0-9_]*=[^;\s]*)*$/;

/**
 * The server's names for the profile fields, mapped to the form's fields,
 * so a 400 naming a field lands next to it.
 */
export const SERVER_FIELDS: Record<string, ClusterFormField> = {
  name: 'name',
  kind: 'kind',
  master: 'master',
  driver_memory: 'driverMemory',
  workers: 'workers',
  worker_cores: 'workerCores',
  worker_memory: 'workerMemory',
  min_executors: 'minExecutors',
  max_executors: 'maxExecutors',
  url: 'url',
  token: 'token',
  auth: 'auth',
  username: 'username',
  password: 'password',
  spark_conf: 'sparkConf',
  env: 'env',
  idle_timeout_minutes: 'idleTimeout'
};

/**
 * The values of a new cluster's form.
 */
export function emptyFormValues(
  kind: ClusterKind = 'local'
): IClusterFormValues {
  return {
    name: '',
    kind,
    cores: '',
    master: '',
    driverMemory: '1g',
    workers: '1',
    workerCores: '1',
    workerMemory: '1g',
    minExecutors: '0',
    maxExecutors: '2',
    url: '',
    token: '',
    auth: 'none',
    username: '',
    password: '',
    sparkConf: '',
    env: '',
    idleTimeout: ''
  };
}

/**
 * The form's values for an existing cluster (editing it).
 */
export function formValuesFromCluster(
  cluster: IClusterInfo
): IClusterFormValues {
  const p = cluster.profile;
  const values = emptyFormValues(cluster.kind);
  values.name = cluster.name;
  if (cluster.kind === 'local') {
    values.cores = coresFromMaster(p.master ?? 'local[*]');
  } else if (cluster.kind === 'custom') {
    values.master = p.master ?? '';
  }
  const str = (value: unknown, fallback: string) =>
    value === undefined || value === null ? fallback : String(value);
  values.driverMemory = str(p.driver_memory, values.driverMemory);
  values.workers = str(p.workers, values.workers);
  values.workerCores = str(p.worker_cores, values.workerCores);
  values.workerMemory = str(p.worker_memory, values.workerMemory);
  values.minExecutors = str(p.min_executors, values.minExecutors);
  values.maxExecutors = str(p.max_executors, values.maxExecutors);
  values.url = p.url ?? '';
  values.auth = p.auth ?? 'none';
  values.username = p.username ?? '';
  values.sparkConf = formatLines(p.spark_conf ?? {});
  values.env = formatLines(p.env ?? {});
  values.idleTimeout = str(p.idle_timeout_minutes, '');
  return values;
}

/**
 * `local[4]` → `4`; `local[*]` → `` (all cores); `local` → `1`.
 */
export function coresFromMaster(master: string): string {
  const match = LOCAL_MASTER_PATTERN.exec(master);
  if (!match) {
    return '';
  }
  if (!match[1]) {
    return '1';
  }
  return match[2] === '*' ? '' : match[2];
}

/**
 * `key=value` lines as an object; blank lines and `#` comments are skipped.
 * The value is everything after the first `=`, so values may contain `=`.
 */
export function parseLines(
  text: string,
  options: { keyPattern: RegExp; what: string }
): { values: Record<string, string>; error: string | null } {
  const values: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (!line || line.startsWith('#')) {
      continue;
    }
    const at = line.indexOf('=');
    const lineNo = index + 1;
    if (at < 0) {
      return {
        values,
        error: `Line ${lineNo}: expected ${options.what}=value, got "${Private.clip(line)}".`
      };
    }
    const key = line.slice(0, at).trim();
    const value = line.slice(at + 1).trim();
    if (!options.keyPattern.test(key)) {
      return {
        values,
        error: `Line ${lineNo}: "${Private.clip(key)}" is not a valid ${options.what}.`
      };
    }
    if (Object.prototype.hasOwnProperty.call(values, key)) {
      return {
        values,
        error: `Line ${lineNo}: ${key} is set twice.`
      };
    }
    values[key] = value;
  }
  return { values, error: null };
}

/**
 * An object as `key=value` lines, in key order.
 */
export function formatLines(values: Record<string, string>): string {
  return Object.keys(values)
    .sort()
    .map(key => `${key}=${values[key]}`)
    .join('\n');
}

/**
 * Check the values and build what the server expects: the whole profile to
 * create, or (with `existing`) the fields to PATCH.
 *
 * Only the fields of the chosen kind are sent. The server checks everything
 * again; this catches what can be caught before a round trip.
 */
export function buildSpec(
  values: IClusterFormValues,
  options: { existing?: IClusterInfo } = {}
): { spec: IClusterSpec | null; errors: ClusterFormErrors } {
  const errors: ClusterFormErrors = {};
  const spec: IClusterSpec = {};
  const editing = options.existing !== undefined;
  const kind = editing ? options.existing!.kind : values.kind;

  if (!editing) {
    const name = values.name.trim();
    if (!name) {
      errors.name = 'A cluster needs a name.';
    } else if (!NAME_PATTERN.test(name)) {
      errors.name =
        'Use letters, digits, "_", "." and "-", starting with a letter or digit (at most 63 characters).';
    }
    spec.name = name;
    spec.kind = kind;
  }

  const integer = (
    field: ClusterFormField,
    text: string,
    lo: number,
    hi: number,
    label: string
  ): number | undefined => {
    const trimmed = text.trim();
    if (!/^\d+$/.test(trimmed) || +trimmed < lo || +trimmed > hi) {
      errors[field] = `${label} must be a whole number from ${lo} to ${hi}.`;
      return undefined;
    }
    return Number(trimmed);
  };
  const memory = (field: ClusterFormField, text: string): string => {
    const trimmed = text.trim();
    if (!MEMORY_PATTERN.test(trimmed)) {
      errors[field] = 'Use a size such as 512m, 2g or 1t.';
    }
    return trimmed.toLowerCase();
  };

  if (kind === 'livy') {
    Private.livySpec(values, spec, errors, options.existing);
    return Private.result(spec, errors);
  }

  if (kind === 'remote') {
    const url = values.url.trim();
    if (!REMOTE_URL_PATTERN.test(url)) {
      errors.url =
        'A Spark Connect URL looks like sc://host:15002 (optionally followed by ;key=value).';
    } else if (/;(token|session_id)=/i.test(url)) {
      errors.url =
        'Put the token in the Token field; the session id is chosen per notebook.';
    }
    spec.url = url;
    const token = values.token.trim();
    if (/[\s;]/.test(token)) {
      errors.token = 'The token must not contain spaces or ";".';
    }
    if (token) {
      spec.token = token;
    } else if (!editing) {
      spec.token = null;
    }
    // Editing with an empty token keeps the stored one.
    return Private.result(spec, errors);
  }

  if (kind === 'local') {
    const cores = values.cores.trim();
    if (cores === '' || cores === '*') {
      spec.master = 'local[*]';
    } else if (/^\d+$/.test(cores) && +cores >= 1 && +cores <= 9999) {
      spec.master = `local[${Number(cores)}]`;
    } else {
      errors.cores =
        'Cores must be a whole number from 1 to 9999, or empty for all cores.';
    }
  } else if (kind === 'custom') {
    const master = values.master.trim();
    if (!master) {
      errors.master =
        'A custom cluster needs a master URL, e.g. k8s://https://host:6443 or yarn.';
    } else if (/\s/.test(master)) {
      errors.master = 'The master URL must not contain spaces.';
    }
    spec.master = master;
  }

  spec.driver_memory = memory('driverMemory', values.driverMemory);

  if (kind === 'standalone') {
    spec.workers = integer('workers', values.workers, 1, 16, 'Workers');
    spec.worker_cores = integer(
      'workerCores',
      values.workerCores,
      1,
      256,
      'Cores per worker'
    );
    spec.worker_memory = memory('workerMemory', values.workerMemory);
    spec.min_executors = integer(
      'minExecutors',
      values.minExecutors,
      0,
      1000,
      'Min executors'
    );
    spec.max_executors = integer(
      'maxExecutors',
      values.maxExecutors,
      1,
      1000,
      'Max executors'
    );
    if (
      spec.min_executors !== undefined &&
      spec.max_executors !== undefined &&
      spec.min_executors > spec.max_executors
    ) {
      errors.minExecutors = 'Min executors must not exceed max executors.';
    }
  }

  const conf = parseLines(values.sparkConf, {
    keyPattern: CONF_KEY_PATTERN,
    what: 'Spark conf key'
  });
  if (conf.error) {
    errors.sparkConf = conf.error;
  }
  spec.spark_conf = conf.values;

  const env = parseLines(values.env, {
    keyPattern: ENV_KEY_PATTERN,
    what: 'variable name'
  });
  if (env.error) {
    errors.env = env.error;
  }
  spec.env = env.values;

  const idle = values.idleTimeout.trim();
  if (idle === '') {
    spec.idle_timeout_minutes = null;
  } else {
    spec.idle_timeout_minutes = integer(
      'idleTimeout',
      idle,
      0,
      525600,
      'The idle timeout'
    );
  }
  return Private.result(spec, errors);
}

/**
 * Which form field a server error is about, from its `detail.field`.
 */
export function fieldOfServerError(
  detail: Readonly<Record<string, unknown>>
): ClusterFormField | null {
  const field = detail?.field;
  return typeof field === 'string' ? (SERVER_FIELDS[field] ?? null) : null;
}

namespace Private {
  /**
   * A Livy endpoint's fields. Secrets left empty while editing keep the
   * stored ones (they are never shown back).
   */
  export function livySpec(
    values: IClusterFormValues,
    spec: IClusterSpec,
    errors: ClusterFormErrors,
    existing: IClusterInfo | undefined
  ): void {
    // A secret of the same auth kind is stored already: empty keeps it.
    const stored = (auth: LivyAuth, flag: 'password_set' | 'token_set') =>
      existing?.profile.auth === auth && existing.profile[flag] === true;
    const url = values.url.trim();
    if (!LIVY_URL_PATTERN.test(url)) {
      errors.url =
        'A Livy URL looks like http://livy-host:8998 or https://gateway/livy.';
    } else if (/^https?:\/\/[^/]*@/.test(url)) {
      errors.url = 'Put credentials in the auth fields, not in the URL.';
    }
    spec.url = url;
    const auth = values.auth;
    spec.auth = auth;
    if (auth === 'basic') {
      const username = values.username.trim();
      if (!username) {
        errors.username = 'Basic authentication needs a user name.';
      } else if (username.includes(':')) {
        errors.username = 'The user name must not contain ":".';
      }
      spec.username = username;
      if (values.password) {
        spec.password = values.password;
      } else if (!stored('basic', 'password_set')) {
        errors.password = 'Basic authentication needs a password.';
      }
    } else if (auth === 'token') {
      const token = values.token.trim();
      if (/\s/.test(token)) {
        errors.token = 'The token must not contain spaces.';
      }
      if (token) {
        spec.token = token;
      } else if (!stored('token', 'token_set')) {
        errors.token = 'Token authentication needs a token.';
      }
    }
  }

  export function clip(text: string): string {
    return text.length > 40 ? `${text.slice(0, 39)}…` : text;
  }

  export function result(
    spec: IClusterSpec,
    errors: ClusterFormErrors
  ): { spec: IClusterSpec | null; errors: ClusterFormErrors } {
    return {
      spec: Object.keys(errors).length > 0 ? null : spec,
      errors
    };
  }
}

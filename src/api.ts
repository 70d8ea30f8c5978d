import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/**
 * The REST API root, relative to the server's base URL.
 */
export const API_ROOT = 'lakehouse/api';

/**
 * The answer of `GET lakehouse/api/version`.
 */
export interface IVersionInfo {
  /**
   * The version of the installed `jupyter_lakehouse` Python package.
   */
  package: string;
  /**
   * The frontend version the request announced, echoed back.
   */
  frontend: string | null;
  /**
   * Whether frontend and server extension agree; null when no frontend version was sent.
   */
  compatible: boolean | null;
  spark: string | null;
  mlflow: string | null;
  jupyterlab: string | null;
  delta: {
    delta_spark: string | null;
    deltalake: string | null;
    engine: { name: string | null; reason: string | null };
  };
  java: {
    executable: string | null;
    version: string | null;
    major: number | null;
    usable: boolean;
    required: number | string | null;
  };
}

/**
 * A failed call to the server extension.
 */
export class LakehouseAPIError extends Error {
  constructor(options: LakehouseAPIError.IOptions) {
    super(options.message);
    this.name = 'LakehouseAPIError';
    this.status = options.status;
    this.code = options.code;
    this.fromServerExtension = options.fromServerExtension;
  }

  /**
   * The HTTP status, or 0 when the server could not be reached.
   */
  readonly status: number;

  /**
   * The server extension's error code (e.g. `cluster_not_found`), or
   * `network_error` / `http_<status>` / `invalid_response` for failures
   * that did not come from the server extension.
   */
  readonly code: string;

  /**
   * Whether the error body came from the server extension (it has the
   * `{"error": {"code", "message"}}` envelope). A 404 without it means the
   * route does not exist: the server extension is not loaded.
   */
  readonly fromServerExtension: boolean;

  /**
   * Whether the failure says the server extension is not there at all,
   * rather than that one call failed.
   */
  get serverExtensionMissing(): boolean {
    return (
      this.status === 0 || (this.status === 404 && !this.fromServerExtension)
    );
  }
}

export namespace LakehouseAPIError {
  export interface IOptions {
    status: number;
    code: string;
    message: string;
    fromServerExtension: boolean;
  }

  /**
   * Build the error for a response that is not OK, reading the server
   * extension's error envelope when there is one.
   */
  export async function fromResponse(
    response: Response
  ): Promise<LakehouseAPIError> {
    const text = await response.text().catch(() => '');
    const envelope = Private.parseEnvelope(text);
    if (envelope) {
      return new LakehouseAPIError({
        status: response.status,
        code: envelope.code,
        message: envelope.message,
        fromServerExtension: true
      });
    }
    const statusText = response.statusText ? ` ${response.statusText}` : '';
    return new LakehouseAPIError({
      status: response.status,
      code: `http_${response.status}`,
      message: `HTTP ${response.status}${statusText}`,
      fromServerExtension: false
    });
  }
}

/**
 * The client of the server extension: the one place the frontend calls the server.
 *
 * One typed method per route of `lakehouse/api/`.
 */
export class LakehouseAPI {
  constructor(options: LakehouseAPI.IOptions = {}) {
    this.serverSettings =
      options.serverSettings ?? ServerConnection.makeSettings();
  }

  readonly serverSettings: ServerConnection.ISettings;

  /**
   * `GET version`: what the server runs, and whether `frontendVersion` matches it.
   */
  version(frontendVersion: string): Promise<IVersionInfo> {
    return this.request<IVersionInfo>('version', {
      query: { frontend: frontendVersion }
    });
  }

  /**
   * Call a route and parse its JSON answer.
   *
   * @throws LakehouseAPIError for network failures, non-2xx answers and
   * answers that are not JSON.
   */
  protected async request<T>(
    path: string,
    options: LakehouseAPI.IRequestOptions = {}
  ): Promise<T> {
    const { query, method = 'GET', body } = options;
    let url = URLExt.join(this.serverSettings.baseUrl, API_ROOT, path);
    if (query && Object.keys(query).length > 0) {
      url += URLExt.objectToQueryString(query);
    }
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
    }

    let response: Response;
    try {
      response = await ServerConnection.makeRequest(
        url,
        init,
        this.serverSettings
      );
    } catch (reason) {
      throw new LakehouseAPIError({
        status: 0,
        code: 'network_error',
        message: `Cannot reach the Jupyter server: ${(reason as Error)?.message ?? reason}`,
        fromServerExtension: false
      });
    }

    if (!response.ok) {
      throw await LakehouseAPIError.fromResponse(response);
    }
    if (response.status === 204) {
      return undefined as T;
    }
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new LakehouseAPIError({
        status: response.status,
        code: 'invalid_response',
        message: `The server answered ${path} with something that is not JSON`,
        fromServerExtension: false
      });
    }
  }
}

export namespace LakehouseAPI {
  export interface IOptions {
    /**
     * Where and how to reach the server; defaults to the page's settings.
     */
    serverSettings?: ServerConnection.ISettings;
  }

  export interface IRequestOptions {
    method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    query?: Record<string, string>;
    body?: unknown;
  }
}

namespace Private {
  /**
   * The server extension's error body, or null for anything else (an HTML
   * 404 page, a proxy's answer, Jupyter server's own error JSON).
   */
  export function parseEnvelope(
    text: string
  ): { code: string; message: string } | null {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return null;
    }
    const error = (body as { error?: unknown } | null)?.error as
      { code?: unknown; message?: unknown } | undefined;
    if (
      !error ||
      typeof error !== 'object' ||
      typeof error.code !== 'string' ||
      typeof error.message !== 'string'
    ) {
      return null;
    }
    return { code: error.code, message: error.message };
  }
}

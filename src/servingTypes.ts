/**
 * The shapes of the `serving/*` routes (docs/DESIGN.md, "Serving").
 */

/**
 * Where an endpoint's model server stands.
 */
export type EndpointState = 'starting' | 'ready' | 'error' | 'stopped';

/**
 * A model endpoint: MLflow's model server for one registered model version.
 */
export interface IEndpoint {
  name: string;
  model_name: string;
  /**
   * The version served (resolved from the alias when started from one).
   */
  version: string;
  alias: string | null;
  model_uri: string;
  state: EndpointState;
  /**
   * Why the endpoint is in error or stopped.
   */
  reason: string | null;
  port: number | null;
  pid: number | null;
  started_at: number | null;
  ready_at?: number | null;
  stopped_at?: number | null;
  /**
   * `ok` when the server's /ping answered at the last look; otherwise what went wrong.
   */
  health: string | null;
}

/**
 * `POST serving/endpoints`: exactly one of `version` and `alias`.
 */
export interface IEndpointSpec {
  name: string;
  model_name: string;
  version?: string;
  alias?: string;
}

/**
 * `GET serving/endpoints/{name}/sample`.
 */
export interface IEndpointSample {
  /**
   * A request body for the endpoint.
   */
  request: unknown;
  /**
   * Where it came from: the model's logged input example, its signature, or nothing.
   */
  source?: 'input_example' | 'signature' | 'none';
  message?: string;
}

/**
 * `POST serving/endpoints/{name}/invocations`: what the model server answered.
 */
export interface IInvocation {
  status: number;
  elapsed_ms: number;
  response: unknown;
}

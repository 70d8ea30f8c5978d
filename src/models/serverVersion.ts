import { ISignal, Signal } from '@lumino/signaling';

import { IVersionInfo, LakehouseAPI, LakehouseAPIError } from '../api';

/**
 * Where the version handshake with the server extension stands.
 *
 * - `pending`: not answered yet.
 * - `ok`: the server extension runs and matches this frontend.
 * - `incompatible`: it runs, but a different version than this frontend.
 * - `missing`: the server extension is not running (no route, no server).
 * - `error`: it runs but the version call failed.
 */
export type HandshakeStatus =
  'pending' | 'ok' | 'incompatible' | 'missing' | 'error';

export interface IHandshakeState {
  readonly status: HandshakeStatus;
  readonly frontend: string;
  readonly info: IVersionInfo | null;
  readonly error: LakehouseAPIError | null;
}

/**
 * The version handshake: asks the server extension which version it runs,
 * so the UI can say "server extension X, frontend Y" instead of failing
 * later with 404s.
 */
export class ServerVersionModel {
  constructor(options: ServerVersionModel.IOptions) {
    this._api = options.api;
    this._state = {
      status: 'pending',
      frontend: options.frontendVersion,
      info: null,
      error: null
    };
  }

  get state(): IHandshakeState {
    return this._state;
  }

  get changed(): ISignal<ServerVersionModel, IHandshakeState> {
    return this._changed;
  }

  /**
   * Ask the server; never rejects, the outcome is in `state`.
   */
  async refresh(): Promise<IHandshakeState> {
    const { frontend } = this._state;
    let next: IHandshakeState;
    try {
      const info = await this._api.version(frontend);
      next = {
        status: info.compatible === false ? 'incompatible' : 'ok',
        frontend,
        info,
        error: null
      };
    } catch (reason) {
      const error =
        reason instanceof LakehouseAPIError
          ? reason
          : new LakehouseAPIError({
              status: 0,
              code: 'unexpected',
              message: String(reason),
              fromServerExtension: false
            });
      next = {
        status: error.serverExtensionMissing ? 'missing' : 'error',
        frontend,
        info: null,
        error
      };
    }
    this._warn(next);
    this._state = next;
    this._changed.emit(next);
    return next;
  }

  private _warn(state: IHandshakeState): void {
    switch (state.status) {
      case 'incompatible':
        console.warn(
          `jupyter-lakehouse: server extension ${state.info?.package}, frontend ${state.frontend}; reinstall jupyter_lakehouse so they match.`
        );
        break;
      case 'missing':
        console.warn(
          `jupyter-lakehouse: the jupyter_lakehouse server extension is not running (${state.error?.message}).`
        );
        break;
      case 'error':
        console.warn(
          `jupyter-lakehouse: version handshake failed: ${state.error?.message}`
        );
        break;
    }
  }

  private _api: Pick<LakehouseAPI, 'version'>;
  private _state: IHandshakeState;
  private _changed = new Signal<ServerVersionModel, IHandshakeState>(this);
}

export namespace ServerVersionModel {
  export interface IOptions {
    api: Pick<LakehouseAPI, 'version'>;
    /**
     * This frontend's version (package.json).
     */
    frontendVersion: string;
  }
}

import { ISignal, Signal } from '@lumino/signaling';

import type { IEndpoint, IInvocation, LakehouseAPI } from '../api';
import type { ServingModel } from './serving';

/**
 * The part of the REST client an endpoint page uses.
 */
export type EndpointPageAPI = Pick<
  LakehouseAPI,
  'endpointSample' | 'invokeEndpoint' | 'endpointLogs'
>;

/**
 * What one endpoint's page shows: the endpoint (from the serving model),
 * the request being edited (pre-filled with the model's sample), the last
 * response, and the log tail.
 */
export class EndpointPageModel {
  constructor(options: EndpointPageModel.IOptions) {
    this.name = options.name;
    this._api = options.api;
    this._serving = options.serving;
    this._serving.changed.connect(this._onServingChanged, this);
    this._lastState = this.endpoint?.state ?? null;
  }

  readonly name: string;

  /**
   * The endpoint as last polled; undefined once it is gone (stopped).
   */
  get endpoint(): IEndpoint | undefined {
    return this._serving.endpoint(this.name);
  }

  get requestText(): string {
    return this._requestText;
  }

  /**
   * Grows each time the request is replaced from outside the editor (a
   * sample loaded), so a view knows to show the new text even while focused.
   */
  get requestRevision(): number {
    return this._requestRevision;
  }

  set requestText(text: string) {
    this._requestText = text;
  }

  /**
   * Where the sample came from, for a line above the editor.
   */
  get sampleMessage(): string | null {
    return this._sampleMessage;
  }

  get sampleError(): string | null {
    return this._sampleError;
  }

  get response(): IInvocation | null {
    return this._response;
  }

  /**
   * Why the last send failed before the model answered (bad JSON, not ready...).
   */
  get sendError(): string | null {
    return this._sendError;
  }

  get isSending(): boolean {
    return this._sending;
  }

  get logText(): string {
    return this._logText;
  }

  get logError(): string | null {
    return this._logError;
  }

  get changed(): ISignal<EndpointPageModel, void> {
    return this._changed;
  }

  /**
   * Fill the request with the model's sample (replacing what was typed).
   */
  async loadSample(): Promise<void> {
    try {
      const sample = await this._api.endpointSample(this.name);
      this._requestText = JSON.stringify(sample.request, null, 2);
      this._requestRevision += 1;
      this._sampleMessage = sample.message ?? null;
      this._sampleError = null;
    } catch (reason) {
      this._sampleError = (reason as Error).message;
    }
    this._changed.emit();
  }

  /**
   * Send the request as typed; the answer (any status) lands in `response`.
   */
  async send(): Promise<void> {
    let body: unknown;
    try {
      body = JSON.parse(this._requestText);
    } catch (reason) {
      this._sendError = `The request is not valid JSON: ${(reason as Error).message}`;
      this._changed.emit();
      return;
    }
    this._sending = true;
    this._sendError = null;
    this._changed.emit();
    try {
      this._response = await this._api.invokeEndpoint(this.name, body);
    } catch (reason) {
      this._response = null;
      this._sendError = (reason as Error).message;
    } finally {
      this._sending = false;
      this._changed.emit();
    }
    void this.refreshLog();
  }

  async refreshLog(): Promise<void> {
    try {
      this._logText = await this._api.endpointLogs(this.name);
      this._logError = null;
    } catch (reason) {
      this._logError = (reason as Error).message;
    }
    this._changed.emit();
  }

  dispose(): void {
    this._serving.changed.disconnect(this._onServingChanged, this);
    Signal.clearData(this);
  }

  private _onServingChanged(): void {
    const state = this.endpoint?.state ?? null;
    if (state !== this._lastState) {
      this._lastState = state;
      // A state change is when the log says something new (ready, or why it failed).
      if (state !== null) {
        void this.refreshLog();
      }
    }
    this._changed.emit();
  }

  private _api: EndpointPageAPI;
  private _serving: ServingModel;
  private _lastState: IEndpoint['state'] | null;
  private _requestText = '';
  private _requestRevision = 0;
  private _sampleMessage: string | null = null;
  private _sampleError: string | null = null;
  private _response: IInvocation | null = null;
  private _sendError: string | null = null;
  private _sending = false;
  private _logText = '';
  private _logError: string | null = null;
  private _changed = new Signal<EndpointPageModel, void>(this);
}

export namespace EndpointPageModel {
  export interface IOptions {
    name: string;
    api: EndpointPageAPI;
    serving: ServingModel;
  }
}

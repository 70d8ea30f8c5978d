import type { Contents } from '@jupyterlab/services';
import type { JSONObject } from '@lumino/coreutils';

import {
  IResultViewState,
  readViewState,
  viewStateToJSON
} from '../models/chartSpec';
import { TABLE_MIME } from '../models/tablePayload';
import type { ISqlResult } from '../sqlTypes';

/**
 * What a query file keeps beside it, in `<query>.sql.chart.json`: the
 * cluster it runs on, its parameter values, the chart of each result, and
 * the last results themselves (small ones), so a reopened query shows its
 * chart at once, as a saved notebook shows its outputs.
 */
export interface ISqlSidecar {
  cluster: string | null;
  parameters: Record<string, string>;
  /**
   * The view of each result, by the statement that produced it.
   */
  views: ISidecarView[];
  /**
   * The last run's results; null when none, or too large to keep.
   */
  last: ISidecarRun | null;
}

export interface ISidecarView {
  statement: string;
  state: IResultViewState;
}

export interface ISidecarRun {
  /**
   * Seconds since the epoch.
   */
  ran_at: number;
  cluster: string;
  results: ISqlResult[];
}

/**
 * The format version written in the file.
 */
export const SIDECAR_VERSION = 1;

/**
 * Results larger than this (their JSON) are not kept in the file: the
 * chart is, and applies to the next run's result.
 */
export const MAX_CACHED_RESULT_CHARS = 2_000_000;

export const EMPTY_SIDECAR: ISqlSidecar = {
  cluster: null,
  parameters: {},
  views: [],
  last: null
};

/**
 * The path of a query's sidecar.
 */
export function sidecarPath(queryPath: string): string {
  return `${queryPath}.chart.json`;
}

/**
 * Statements compare without their blanks' layout: reindenting a query
 * keeps its chart.
 */
export function statementKey(statement: string): string {
  return statement.trim().replace(/\s+/g, ' ');
}

/**
 * The saved view for a result: the one saved for the same statement, else
 * the one at the same position when the run has as many results as there
 * are saved views and the result has the chart's columns (an edited
 * one-query file keeps its chart; another query does not get it).
 */
export function viewFor(
  sidecar: ISqlSidecar,
  statement: string,
  index: number,
  count: number,
  columns: readonly string[]
): IResultViewState | null {
  const key = statementKey(statement);
  const same = sidecar.views.find(v => statementKey(v.statement) === key);
  if (same) {
    return same.state;
  }
  const state =
    count === sidecar.views.length ? sidecar.views[index]?.state : null;
  const chart = state?.chart;
  if (!state || !chart) {
    return state ?? null;
  }
  const used = [chart.x, chart.group, ...chart.y].filter(
    (c): c is string => !!c
  );
  return used.every(c => columns.includes(c)) ? state : null;
}

/**
 * The column names of a result (from its table bundle's schema).
 */
export function resultColumns(result: ISqlResult): string[] {
  const table = result.table as Record<string, any> | null;
  const payload = table?.[TABLE_MIME] ?? table;
  const fields = payload?.schema?.fields;
  return Array.isArray(fields)
    ? fields.map((f: { name?: unknown }) => String(f?.name ?? ''))
    : [];
}

/**
 * The sidecar with a result's view recorded (replacing the statement's
 * previous one).
 */
export function withView(
  sidecar: ISqlSidecar,
  statement: string,
  state: IResultViewState
): ISqlSidecar {
  const key = statementKey(statement);
  const views = sidecar.views.filter(v => statementKey(v.statement) !== key);
  views.push({ statement, state });
  return { ...sidecar, views };
}

/**
 * The file's content made safe to use; anything unreadable is left out.
 */
export function readSidecar(content: unknown): ISqlSidecar {
  let raw: unknown = content;
  if (typeof content === 'string') {
    try {
      raw = JSON.parse(content);
    } catch {
      return EMPTY_SIDECAR;
    }
  }
  if (!raw || typeof raw !== 'object') {
    return EMPTY_SIDECAR;
  }
  const r = raw as Record<string, unknown>;
  const parameters: Record<string, string> = {};
  if (r.parameters && typeof r.parameters === 'object') {
    for (const [k, v] of Object.entries(r.parameters)) {
      if (typeof v === 'string') {
        parameters[k] = v;
      }
    }
  }
  const views: ISidecarView[] = (Array.isArray(r.views) ? r.views : [])
    .filter(
      (v: unknown): v is Record<string, unknown> =>
        !!v && typeof v === 'object' && typeof (v as any).statement === 'string'
    )
    .map(v => ({
      statement: v.statement as string,
      state: readViewState(v.state)
    }));
  let last: ISidecarRun | null = null;
  const l = r.last as Record<string, unknown> | null | undefined;
  if (l && typeof l === 'object' && Array.isArray(l.results)) {
    last = {
      ran_at: Number(l.ran_at) || 0,
      cluster: typeof l.cluster === 'string' ? l.cluster : '',
      results: (l.results as unknown[]).filter(
        (x): x is ISqlResult => !!x && typeof x === 'object'
      )
    };
  }
  return {
    cluster: typeof r.cluster === 'string' && r.cluster ? r.cluster : null,
    parameters,
    views,
    last
  };
}

/**
 * The sidecar as the JSON written to the file.
 */
export function sidecarToJSON(sidecar: ISqlSidecar): JSONObject {
  const json: JSONObject = {
    version: SIDECAR_VERSION,
    cluster: sidecar.cluster,
    parameters: { ...sidecar.parameters },
    views: sidecar.views.map(v => ({
      statement: v.statement,
      state: viewStateToJSON(v.state)
    }))
  };
  if (sidecar.last) {
    const results = JSON.stringify(sidecar.last.results);
    if (results.length <= MAX_CACHED_RESULT_CHARS) {
      json.last = {
        ran_at: sidecar.last.ran_at,
        cluster: sidecar.last.cluster,
        results: JSON.parse(results)
      };
    }
  }
  return json;
}

/**
 * The part of JupyterLab's contents manager the sidecar uses.
 */
export type SidecarContents = Pick<
  Contents.IManager,
  'get' | 'save' | 'rename'
>;

/**
 * Reads and writes a query's sidecar through the contents API (the
 * server's file system, whatever its backend), one write at a time.
 */
export class SidecarStore {
  constructor(options: { contents: SidecarContents }) {
    this._contents = options.contents;
  }

  /**
   * The sidecar of a query; empty when there is none (or it is unreadable).
   */
  async load(queryPath: string): Promise<ISqlSidecar> {
    try {
      const model = await this._contents.get(sidecarPath(queryPath), {
        type: 'file',
        format: 'text',
        content: true
      });
      return readSidecar(model.content);
    } catch {
      return EMPTY_SIDECAR;
    }
  }

  /**
   * Write a query's sidecar, after any write still in flight.
   */
  save(queryPath: string, sidecar: ISqlSidecar): Promise<void> {
    const content = JSON.stringify(sidecarToJSON(sidecar), null, 1) + '\n';
    const write = async () => {
      await this._contents.save(sidecarPath(queryPath), {
        type: 'file',
        format: 'text',
        content
      });
    };
    this._queue = this._queue.then(write, write);
    return this._queue;
  }

  /**
   * Follow a query that was renamed or moved; a query without a sidecar
   * has nothing to move.
   */
  move(fromQuery: string, toQuery: string): Promise<void> {
    const move = async () => {
      try {
        await this._contents.rename(
          sidecarPath(fromQuery),
          sidecarPath(toQuery)
        );
      } catch {
        // No sidecar (never run), or one already at the new place.
      }
    };
    this._queue = this._queue.then(move, move);
    return this._queue;
  }

  private _contents: SidecarContents;
  private _queue: Promise<void> = Promise.resolve();
}

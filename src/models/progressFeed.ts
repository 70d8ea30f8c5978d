import type { KernelMessage } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import {
  isNewer,
  ISparkProgress,
  PROGRESS_MIME,
  readProgress
} from '../renderers/progress';

/**
 * How many cell runs' last progress the feed keeps.
 */
const KEPT = 200;

/**
 * The Spark progress the kernels report, read straight from their iopub
 * messages, by cell tag.
 *
 * In a collaborative notebook the progress output is written into the
 * shared notebook by the client that runs the cell only; when that user
 * closes the notebook mid-run the shared output stops changing. Every
 * client's kernel connection still receives the kernel's messages, so the
 * progress renderers of the others follow this feed: they keep showing the
 * live progress and the final state, without writing anything shared.
 */
export class SparkProgressFeed {
  /**
   * The newest progress reported for a cell run, if any.
   */
  latest(tag: string): ISparkProgress | null {
    return this._latest.get(tag) ?? null;
  }

  /**
   * Emits each progress report as it arrives.
   */
  get changed(): ISignal<SparkProgressFeed, ISparkProgress> {
    return this._changed;
  }

  /**
   * Read one iopub message (any type; only display messages with the
   * progress MIME type count).
   */
  handle(message: KernelMessage.IMessage): void {
    const type = message.header.msg_type;
    if (type !== 'display_data' && type !== 'update_display_data') {
      return;
    }
    const data = (message.content as KernelMessage.IDisplayDataMsg['content'])
      .data;
    const raw = data?.[PROGRESS_MIME];
    if (!raw) {
      return;
    }
    const progress = readProgress(raw);
    if (!progress.tag) {
      return;
    }
    const current = this._latest.get(progress.tag);
    if (current && !isNewer(progress, current)) {
      return;
    }
    this._latest.delete(progress.tag);
    this._latest.set(progress.tag, progress);
    if (this._latest.size > KEPT) {
      this._latest.delete(this._latest.keys().next().value!);
    }
    this._changed.emit(progress);
  }

  private _latest = new Map<string, ISparkProgress>();
  private _changed = new Signal<SparkProgressFeed, ISparkProgress>(this);
}

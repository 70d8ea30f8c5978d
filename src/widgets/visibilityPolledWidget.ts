import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import type { RefreshPoll } from '../models/refreshPoll';

/**
 * A widget whose data refreshes on a schedule only while it is on screen:
 * hidden, detached or collapsed views should cost the server nothing.
 */
export abstract class VisibilityPolledWidget extends Widget {
  /**
   * The poll to keep in step with this widget's visibility.
   */
  protected abstract get visibilityPoll(): Pick<RefreshPoll, 'visible'>;

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    // Attached while shown gets no after-show message.
    this.visibilityPoll.visible = this.isVisible;
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.visibilityPoll.visible = true;
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this.visibilityPoll.visible = false;
  }

  protected onBeforeDetach(msg: Message): void {
    this.visibilityPoll.visible = false;
    super.onBeforeDetach(msg);
  }
}

import { AdaptivePoll } from '../models/adaptivePoll';
import { waitFor } from './helpers';

describe('AdaptivePoll', () => {
  let poll: AdaptivePoll | null;
  let fast: boolean;
  let hidden: boolean;
  let idle: boolean;
  let fetches: number;
  let failing: boolean;

  beforeEach(() => {
    poll = null;
    fast = false;
    hidden = false;
    idle = false;
    fetches = 0;
    failing = false;
  });

  afterEach(() => {
    poll?.dispose();
  });

  function make(options: Partial<AdaptivePoll.IOptions> = {}): AdaptivePoll {
    poll = new AdaptivePoll({
      name: 'test:adaptive',
      intervals: { fast: 20, slow: 60000, max: 120000 },
      factory: async () => {
        fetches += 1;
        if (failing) {
          throw new Error('down');
        }
      },
      wantsFast: () => fast,
      idle: () => idle,
      documentHidden: () => hidden,
      autoStart: false,
      ...options
    });
    return poll;
  }

  it('stands by unless a viewer is visible, the page shown and the owner busy', () => {
    const p = make();
    expect(p.isStandby).toBe(true);
    const hiddenViewer = p.addViewer({ isVisible: false });
    expect(p.isStandby).toBe(true);
    const viewer = p.addViewer({ isVisible: true });
    expect(p.isStandby).toBe(false);
    hidden = true;
    expect(p.isStandby).toBe(true);
    hidden = false;
    idle = true;
    expect(p.isStandby).toBe(true);
    idle = false;
    viewer.dispose();
    expect(viewer.isDisposed).toBe(true);
    expect(p.isStandby).toBe(true);
    hiddenViewer.dispose();
  });

  it('picks the fast or slow interval from what the owner wants, never a max below slow', () => {
    const p = make({ intervals: { fast: 20, slow: 500, max: 100 } });
    p.updateFrequency();
    expect(p.poll.frequency).toEqual({
      interval: 500,
      backoff: true,
      max: 500
    });
    fast = true;
    expect(p.isFast).toBe(true);
    p.updateFrequency();
    expect(p.poll.frequency.interval).toBe(20);
    fast = false;
    p.updateFrequency();
    expect(p.poll.frequency.interval).toBe(500);
  });

  it('does not start a poll its owner has not started', () => {
    const p = make();
    fast = true;
    p.reschedule();
    expect(p.poll.state.phase).toBe('constructed');
    expect(p.poll.frequency.interval).toBe(20);
    expect(fetches).toBe(0);
  });

  it('polls at the fast interval once rescheduled while a viewer shows it', async () => {
    const p = make({ autoStart: true });
    p.addViewer({ isVisible: true });
    await waitFor(() => fetches >= 1);
    // The slow interval is a minute: only the reschedule brings more polls.
    const before = fetches;
    fast = true;
    p.reschedule();
    await waitFor(() => fetches >= before + 3);
    expect(p.poll.frequency.interval).toBe(20);
  });

  it('polls nothing while no viewer is visible', async () => {
    const p = make({ autoStart: true });
    fast = true;
    p.reschedule();
    await waitFor(() => p.poll.state.phase === 'standby');
    expect(fetches).toBe(0);
  });

  it('backs off when polls fail', async () => {
    const p = make({ autoStart: true });
    p.addViewer({ isVisible: true });
    failing = true;
    fast = true;
    p.reschedule();
    await waitFor(() => p.poll.state.phase === 'rejected');
    await waitFor(() => p.poll.state.interval > 20);
  });

  it('stops polling when disposed', () => {
    const p = make({ autoStart: true });
    p.dispose();
    expect(p.isDisposed).toBe(true);
    expect(p.poll.isDisposed).toBe(true);
    p.reschedule(); // no throw on a disposed poll
    p.updateFrequency();
    p.dispose();
  });
});

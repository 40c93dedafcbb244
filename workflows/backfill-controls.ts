import { defineQuery, defineSignal, setHandler } from '@temporalio/workflow';
import { BACKFILL, type BackfillProgress } from '../sdk/protocol/backfill';

/** What a backfill workflow hands {@link handleBackfillControls}. */
export interface BackfillControlTarget {
  /** The state carried across continue-as-new; `paused` stops new child runs from starting. */
  state: { paused: boolean };
  /** Called on the cancel signal: the workflow stops launching and cancels its children. */
  onCancel: () => void;
  /** Wakes the workflow's main loop after a change. */
  wake: () => void;
  /** The progress the query answers with. */
  progress: () => BackfillProgress;
}

/**
 * Registers a backfill's progress query and its pause, resume and cancel signals (the names in
 * `BACKFILL`). Registering handlers issues no commands, so both backfill workflows share this
 * without changing their histories.
 */
export function handleBackfillControls(target: BackfillControlTarget): void {
  setHandler(defineQuery<BackfillProgress>(BACKFILL.progressQuery), () => target.progress());
  setHandler(defineSignal(BACKFILL.pauseSignal), () => {
    target.state.paused = true;
    target.wake();
  });
  setHandler(defineSignal(BACKFILL.resumeSignal), () => {
    target.state.paused = false;
    target.wake();
  });
  setHandler(defineSignal(BACKFILL.cancelSignal), () => {
    target.onCancel();
    target.wake();
  });
}

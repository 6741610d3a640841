import type { RunStatus } from '@machinable/core';

/** The reference's `LifecycleStatus`: where a config sits in its compute lifecycle. */
export type LifecycleStatus = 'draft' | 'running' | 'cached' | 'failed';

/**
 * A run status of the format (pending, live, died, finished, failed, cancelled) in the reference API's
 * vocabulary: never started is `draft`, live is `running`, finished is `cached`, and a run that
 * died, stored an error or was cancelled is `failed` (the reference has no cancelled state).
 *
 * @example
 * lifecycleOf('live'); // 'running'
 */
export function lifecycleOf(status: RunStatus): LifecycleStatus {
  switch (status) {
    case 'pending':
      return 'draft';
    case 'live':
      return 'running';
    case 'finished':
      return 'cached';
    case 'died':
    case 'failed':
    case 'cancelled':
      return 'failed';
  }
}

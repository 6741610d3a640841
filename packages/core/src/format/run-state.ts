import { DEFAULT_WINDOW_SECONDS } from '../kernel/settings.js';
import { parseTimestampMicros } from './timestamp.js';

/** The status markers of a run record, in the order a run reaches them. */
export const STATUS_MARKERS = ['dispatched_at', 'started_at', 'heartbeat_at', 'finished_at', 'resumed_at'] as const;
export type StatusMarker = (typeof STATUS_MARKERS)[number];

/** The run state machine of the format: no server, only markers and the heartbeat's age. */
export type RunState = 'pending' | 'live' | 'died' | 'finished';

export { DEFAULT_WINDOW_SECONDS } from '../kernel/settings.js';

/** Marker contents by name (ISO-8601 text, or a `Date`); absent or empty means unset. */
export type Markers = Partial<Record<StatusMarker, string | Date | undefined>>;

/**
 * The state of a run from its markers, as the format defines it: `finished` once `finished_at`
 * is set (success or failure: the run's own files say which); `live` while started and the last
 * sign of life (`heartbeat_at`, else `resumed_at` or `started_at`) is at most `windowSeconds` old;
 * `died` when that sign is older; `pending` before it starts (dispatched or not).
 *
 * @example
 * runState({ dispatched_at: '2026-01-01T12:00:00+00:00' }, '2026-01-01T12:00:30+00:00'); // 'pending'
 */
export function runState(markers: Markers, now: string | Date = new Date(), windowSeconds = DEFAULT_WINDOW_SECONDS): RunState {
  if (micros(markers.finished_at) !== undefined) return 'finished';
  const started = micros(markers.started_at);
  const resumed = micros(lastLine(markers.resumed_at));
  if (started === undefined && resumed === undefined) return 'pending';
  const signs = [micros(markers.heartbeat_at), resumed, started].filter((t): t is number => t !== undefined);
  const last = Math.max(...signs);
  const nowMicros = micros(now);
  if (nowMicros === undefined) throw new TypeError(`runState: cannot read the time 'now' (${String(now)})`);
  return nowMicros - last <= windowSeconds * 1e6 ? 'live' : 'died';
}

function micros(value: string | Date | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime() * 1000;
  return parseTimestampMicros(value);
}

/** `resumed_at` gains a line per resume; the last one counts. */
function lastLine(value: string | Date | undefined): string | Date | undefined {
  if (typeof value !== 'string') return value;
  const lines = value.split('\n').filter((line) => line.trim() !== '');
  return lines.at(-1);
}

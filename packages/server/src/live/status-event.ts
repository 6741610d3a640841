import type { RunStatus } from '@machinable/core';

/**
 * What the live feed (`GET /v1/events`, Server-Sent Events) sends, one JSON object per event:
 * `record` when a record is added to the index; `status` when a run record's status or heartbeat
 * changes, for the run record (`kind: 'Execution'`) and for the record it computes (`parent`).
 */
export type StatusEvent =
  | {
      readonly type: 'record';
      readonly uuid: string;
      readonly kind: string;
      readonly module: string | null;
      readonly parent_uuid: string | null;
    }
  | {
      readonly type: 'status';
      /** The run record. */
      readonly uuid: string;
      /** The record it computes. */
      readonly parent_uuid: string | null;
      readonly module: string | null;
      readonly status: RunStatus;
      readonly started_at: string | null;
      readonly heartbeat_at: string | null;
      readonly finished_at: string | null;
    };

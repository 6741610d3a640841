/** The default liveness window: about six missed 15 s heartbeats (slow NFS metadata included). */
export const DEFAULT_WINDOW_SECONDS = 90;

/** Seconds between heartbeats while a run computes (`MACHINABLE_HEARTBEAT_SECONDS`, default 15). */
export function heartbeatSeconds(): number {
  return positive(process.env['MACHINABLE_HEARTBEAT_SECONDS']) ?? 15;
}

/**
 * Seconds after its last heartbeat that a run still counts as live (`MACHINABLE_LIVENESS_WINDOW`,
 * default 90: about six missed heartbeats, as the reference sets it for shared filesystems).
 */
export function livenessWindowSeconds(): number {
  return positive(process.env['MACHINABLE_LIVENESS_WINDOW']) ?? DEFAULT_WINDOW_SECONDS;
}

/**
 * True when this process's stdout and stderr already go to its run record's `output.log` (a Slurm
 * job script sets `MACHINABLE_OUTPUT_REDIRECTED=1`), so the run's output must not be copied there
 * too. The variable is removed at once: processes the run starts capture their own output.
 */
export function takeOutputRedirected(): boolean {
  const redirected = process.env['MACHINABLE_OUTPUT_REDIRECTED'] === '1';
  delete process.env['MACHINABLE_OUTPUT_REDIRECTED'];
  return redirected;
}

function positive(text: string | undefined): number | undefined {
  const value = Number(text);
  return text !== undefined && text !== '' && Number.isFinite(value) && value > 0 ? value : undefined;
}

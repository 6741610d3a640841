/** A run status as a coloured badge (pending, live, died, finished, failed, cancelled). */
export function StatusBadge({ status }: { status: string | null | undefined }) {
  const value = status ?? 'unknown';
  return <span class={`badge badge-${value}`} data-status={value}>{value}</span>;
}

import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, type SearchItem, type Sort } from '../api.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { cellText, leafPaths, parseConditions, timeText, valueAt, versionText } from '../format.js';
import { useLive } from '../live.js';

const PAGE = 50;

/** The runs of one module: config columns, status, label; filtered and sorted through find; live. */
export function RunsPage({ module }: { module: string }) {
  const [conditions, setConditions] = useState('');
  const [applied, setApplied] = useState('');
  const [sort, setSort] = useState<Sort>({ by: 'created_at_ns', direction: 'desc' });
  const [offset, setOffset] = useState(0);
  const [items, setItems] = useState<SearchItem[]>([]);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  const parsed = useMemo(() => parseConditions(applied), [applied]);
  useEffect(() => {
    if (parsed.errors.length > 0) {
      setError(parsed.errors.join('; '));
      return;
    }
    let cancelled = false;
    api
      .search({ module, include_status: true, config: { filters: parsed.filters }, ...(parsed.label !== undefined ? { label: parsed.label } : {}), sort: [sort], limit: PAGE, offset })
      .then((result) => {
        if (cancelled) return;
        setItems(result.items);
        setTotal(result.total);
        setError(null);
        document.body.dataset['loaded'] = String(Date.now());
      })
      .catch((e: Error) => !cancelled && setError(e.message));
    return () => {
      cancelled = true;
    };
  }, [module, parsed, sort, offset, tick]);

  useLive(
    (event) => {
      if (event.type === 'record' && event.module === module) setTick((t) => t + 1);
      if (event.type === 'status') {
        setItems((current) => current.map((item) => (item.id === event.parent_uuid ? { ...item, run_status: event.status } : item)));
      }
    },
    [module],
  );

  const columns = useMemo(() => {
    const seen = new Set<string>();
    for (const item of items) for (const path of leafPaths(item.config)) seen.add(path);
    return [...seen].sort();
  }, [items]);

  const sortBy = (by: string, config: boolean) => {
    setOffset(0);
    setSort((current) => ({ by, ...(config ? { config_layer: 'resolved' as const } : {}), direction: current.by === by && current.direction === 'asc' ? 'desc' : 'asc' }));
  };
  const arrow = (by: string) => (sort.by === by ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : '');

  return (
    <section>
      <h2>
        {module} <span class="muted">{total} runs</span>
      </h2>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setApplied(conditions);
        }}
      >
        <input
          name="where"
          placeholder="filter: lr>0.01, optimizer.name=adam, label=baseline"
          value={conditions}
          onInput={(e) => setConditions((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Filter</button>
        <a class="button" href={`#/plot/${encodeURIComponent(module)}`}>Plot</a>
      </form>
      {error && <p class="error">{error}</p>}
      <div class="table-wrap">
        <table class="runs">
          <thead>
            <tr>
              <th>id</th>
              <th>status</th>
              <th>label</th>
              <th>version</th>
              {columns.map((path) => (
                <th key={path} class="sortable" onClick={() => sortBy(path, true)}>
                  {path}
                  {arrow(path)}
                </th>
              ))}
              <th class="sortable" onClick={() => sortBy('created_at_ns', false)}>
                created{arrow('created_at_ns')}
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id} data-id={item.id}>
                <td>
                  <a href={`#/run/${item.id}`}>{item.id}</a>
                </td>
                <td>
                  <StatusBadge status={item.run_status} />
                </td>
                <td>{item.label ?? ''}</td>
                <td class="mono">{versionText(item.version)}</td>
                {columns.map((path) => (
                  <td key={path} class="num">
                    {cellText(valueAt(item.config, path))}
                  </td>
                ))}
                <td class="muted">{timeText(item.created_at_ns as unknown as number)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="pager">
        <button disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          ← newer
        </button>
        <span>
          {total === 0 ? 0 : offset + 1}–{Math.min(offset + PAGE, total)} of {total}
        </span>
        <button disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
          older →
        </button>
      </p>
    </section>
  );
}

import { CategoryScale, Chart, Legend, LinearScale, LineElement, PointElement, ScatterController, Tooltip } from 'chart.js';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type ProjectInfo, type SearchItem } from '../api.js';
import { leafPaths, parseConditions } from '../format.js';

Chart.register(ScatterController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];

/** A column as `find` names it: a config path becomes `config.<path>`; `file:path` and record fields stay. */
function column(path: string): string {
  return path.includes(':') || path.startsWith('config.') || path === 'status' || path === 'label' ? path : `config.${path}`;
}

function numeric(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}

/** Scatter or line chart of y against x across a module's runs (up to 1000), coloured by a third path. */
export function PlotPage({ module: initial, modules }: { module: string; modules: ProjectInfo['modules'] }) {
  const [module, setModule] = useState(initial || modules[0]?.module || '');
  const [x, setX] = useState('');
  const [y, setY] = useState('');
  const [color, setColor] = useState('');
  const [where, setWhere] = useState('');
  const [mode, setMode] = useState<'scatter' | 'line'>('scatter');
  const [paths, setPaths] = useState<string[]>([]);
  const [items, setItems] = useState<SearchItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart | null>(null);

  useEffect(() => {
    if (!module) return;
    api.search({ module, limit: 20 }).then((result) => {
      const seen = new Set<string>();
      for (const item of result.items) for (const path of leafPaths(item.config)) seen.add(path);
      setPaths([...seen].sort());
    });
  }, [module]);

  const draw = () => {
    const parsed = parseConditions(where);
    if (!x || !y) return setError('pick x and y');
    if (parsed.errors.length > 0) return setError(parsed.errors.join('; '));
    const columns = [column(x), column(y), ...(color ? [column(color)] : [])];
    api
      .search({ module, limit: 1000, columns, config: { filters: parsed.filters }, ...(parsed.label !== undefined ? { label: parsed.label } : {}) })
      .then((result) => {
        setItems(result.items);
        setError(null);
      })
      .catch((e: Error) => setError(e.message));
  };

  const datasets = useMemo(() => {
    if (!items) return [];
    const groups = new Map<string, Array<{ x: number; y: number; id: string }>>();
    for (const item of items) {
      const values = item.values ?? {};
      const px = numeric(values[column(x)]);
      const py = numeric(values[column(y)]);
      if (px === null || py === null) continue;
      const key = color ? String(values[column(color)] ?? '–') : 'runs';
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push({ x: px, y: py, id: item.id });
    }
    return [...groups.entries()]
      .sort(([a], [b]) => (numeric(a) ?? 0) - (numeric(b) ?? 0) || a.localeCompare(b))
      .map(([label, points], i) => ({
        label: color ? `${color} = ${label}` : label,
        data: mode === 'line' ? [...points].sort((a, b) => a.x - b.x) : points,
        showLine: mode === 'line',
        borderColor: PALETTE[i % PALETTE.length],
        backgroundColor: PALETTE[i % PALETTE.length],
        pointRadius: 4,
      }));
  }, [items, x, y, color, mode]);

  useEffect(() => {
    if (!canvas.current || !items) return;
    chart.current?.destroy();
    chart.current = new Chart(canvas.current, {
      type: 'scatter',
      data: { datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: { type: 'linear', title: { display: true, text: x } }, y: { type: 'linear', title: { display: true, text: y } } },
        plugins: { legend: { display: true } },
      },
    });
    document.body.dataset['plotted'] = String(datasets.reduce((n, d) => n + d.data.length, 0));
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
  }, [datasets]);

  const select = (name: string, value: string, set: (v: string) => void, allowNone: boolean) => (
    <select name={name} value={value} onChange={(e) => set((e.target as HTMLSelectElement).value)}>
      <option value="">{allowNone ? '(none)' : '(pick)'}</option>
      {paths.map((path) => (
        <option key={path} value={path}>
          {path}
        </option>
      ))}
    </select>
  );

  return (
    <section>
      <h2>Plot</h2>
      <form
        class="plot-form"
        onSubmit={(e) => {
          e.preventDefault();
          draw();
        }}
      >
        <label>
          module
          <select name="module" value={module} onChange={(e) => setModule((e.target as HTMLSelectElement).value)}>
            {modules.map((m) => (
              <option key={m.module} value={m.module}>
                {m.module}
              </option>
            ))}
          </select>
        </label>
        <label>x {select('x', x, setX, false)}</label>
        <label>
          y
          <input name="y" list="y-paths" placeholder="a config path or result.json:loss" value={y} onInput={(e) => setY((e.target as HTMLInputElement).value)} />
          <datalist id="y-paths">
            {paths.map((path) => (
              <option key={path} value={path} />
            ))}
          </datalist>
        </label>
        <label>colour {select('color', color, setColor, true)}</label>
        <label>
          <select name="mode" value={mode} onChange={(e) => setMode((e.target as HTMLSelectElement).value as 'scatter' | 'line')}>
            <option value="scatter">scatter</option>
            <option value="line">line</option>
          </select>
        </label>
        <input name="where" placeholder="filter, e.g. seed=1" value={where} onInput={(e) => setWhere((e.target as HTMLInputElement).value)} />
        <button type="submit">Draw</button>
      </form>
      {error && <p class="error">{error}</p>}
      {items && (
        <p class="muted">
          {datasets.reduce((n, d) => n + d.data.length, 0)} of {items.length} runs have numeric values for both axes
        </p>
      )}
      <div class="chart">
        <canvas ref={canvas} />
      </div>
    </section>
  );
}

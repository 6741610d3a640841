import { useEffect, useState } from 'preact/hooks';
import { api, fileUrl, type FileEntry, type NpySummary } from '../api.js';
import { JsonView } from './JsonView.js';

/** Rows of CSV text (quoted fields with commas and doubled quotes included). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function Table({ header, rows }: { header: string[]; rows: string[][] }) {
  return (
    <div class="table-wrap">
      <table class="data">
        <thead>
          <tr>{header.map((h) => <th key={h}>{h}</th>)}</tr>
        </thead>
        <tbody>
          {rows.slice(0, 500).map((row, i) => (
            <tr key={i}>{row.map((cell, j) => <td key={j}>{cell}</td>)}</tr>
          ))}
        </tbody>
      </table>
      {rows.length > 500 && <p class="muted">first 500 of {rows.length} rows</p>}
    </div>
  );
}

function jsonlTable(text: string) {
  const items = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        return line;
      }
    });
  const keys = [...new Set(items.flatMap((item) => (item !== null && typeof item === 'object' && !Array.isArray(item) ? Object.keys(item) : ['value'])))];
  const rows = items.map((item) =>
    keys.map((key) => {
      const value = item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>)[key] : key === 'value' ? item : undefined;
      return value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    }),
  );
  return <Table header={keys} rows={rows} />;
}

/** One file of a record, shown by its type: JSON pretty-printed, CSV and JSONL as tables, images, `.npy` summaries, text. */
export function FileViewer({ uuid, entry }: { uuid: string; entry: FileEntry }) {
  const [content, setContent] = useState<unknown>(undefined);
  const [error, setError] = useState<string | null>(null);
  const image = entry.content_type.startsWith('image/');
  useEffect(() => {
    setContent(undefined);
    setError(null);
    if (image) return;
    api.file(uuid, entry.path).then(setContent, (e: Error) => setError(e.message));
  }, [uuid, entry.path]);
  if (image) return <img class="file-image" alt={entry.path} src={fileUrl(uuid, entry.path, true)} />;
  if (error) return <p class="error">{error}</p>;
  if (content === undefined) return <p class="muted">loading…</p>;
  if (entry.content_type === 'application/x-npy') {
    const npy = content as NpySummary;
    return (
      <div class="npy">
        <p>
          ndarray <b>{npy.dtype}</b> shape <b>({npy.shape.join(', ')})</b>, {npy.size} values
        </p>
        {npy.preview && <pre class="json">{npy.preview.join(', ')}{npy.size > npy.preview.length ? ', …' : ''}</pre>}
      </div>
    );
  }
  if (entry.content_type === 'application/json') return <JsonView value={content} />;
  const text = typeof content === 'string' ? content : JSON.stringify(content, null, 2);
  if (entry.content_type.startsWith('text/csv')) {
    const [header = [], ...rows] = parseCsv(text);
    return <Table header={header} rows={rows} />;
  }
  if (entry.content_type === 'application/x-ndjson') return jsonlTable(text);
  return <pre class="text">{text}</pre>;
}

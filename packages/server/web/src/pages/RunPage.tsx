import { useEffect, useState } from 'preact/hooks';
import { api, type ExecutionInfo, type FileEntry, type OutputChunk, type ProvenanceGraph, type RecordPage } from '../api.js';
import { FileViewer } from '../components/FileViewer.js';
import { JsonView } from '../components/JsonView.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { timeText, versionText } from '../format.js';
import { useLive } from '../live.js';

const LAYERS = ['resolved', 'default', 'version', 'update'] as const;
const LAYER_NAMES: Record<(typeof LAYERS)[number], string> = { resolved: 'resolved', default: 'default', version: 'version', update: 'overrides' };

/** Statuses of a run that can still be cancelled. */
const CANCELLABLE = new Set(['pending', 'live']);

/** A Cancel button for a run that has not finished (on a server that allows launching). */
function CancelButton({ run }: { run: ExecutionInfo }) {
  const [state, setState] = useState<string | null>(null);
  return (
    <>
      <button
        class="cancel"
        disabled={state === 'cancelling…'}
        onClick={() => {
          setState('cancelling…');
          api.cancel(run.uuid).then(
            () => setState('cancelled'),
            (e: Error) => setState(e.message),
          );
        }}
      >
        Cancel
      </button>{' '}
      {state && <span class="muted cancel-state">{state}</span>}
    </>
  );
}

function Timeline({ run, readOnly }: { run: ExecutionInfo; readOnly: boolean }) {
  const steps: Array<[string, string | null]> = [
    ['dispatched', run.dispatched_at],
    ['started', run.started_at],
    ['resumed', run.resumed_at],
    ['last heartbeat', run.heartbeat_at],
    ['finished', run.finished_at],
  ];
  return (
    <li class="run" data-run={run.uuid}>
      <div>
        <b class="mono">{run.uuid}</b> <StatusBadge status={run.status} /> <span class="muted">{run.nickname}</span>{' '}
        {!readOnly && CANCELLABLE.has(run.status) && <CancelButton run={run} />}
      </div>
      <ol class="timeline">
        {steps
          .filter(([, at]) => at !== null)
          .map(([name, at]) => (
            <li key={name}>
              <span class="step">{name}</span> <span class="muted">{timeText(at)}</span>
            </li>
          ))}
      </ol>
    </li>
  );
}

/** One record: config layers, status timeline of its runs, files, relations, output and provenance when recorded. */
export function RunPage({ uuid, readOnly }: { uuid: string; readOnly: boolean }) {
  const [record, setRecord] = useState<RecordPage | null>(null);
  const [files, setFiles] = useState<FileEntry[]>([]);
  const [open, setOpen] = useState<FileEntry | null>(null);
  const [layer, setLayer] = useState<(typeof LAYERS)[number]>('resolved');
  const [output, setOutput] = useState<OutputChunk | null>(null);
  const [graph, setGraph] = useState<ProvenanceGraph | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [launching, setLaunching] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([api.record(uuid), api.files(uuid), api.provenance(uuid)])
      .then(([page, list, provenance]) => {
        setRecord(page);
        setFiles(list.entries);
        setGraph(provenance);
        setError(null);
        const latest = page.executions.find((run) => run.has_output);
        if (latest) api.output(latest.uuid).then(setOutput, () => setOutput(null));
        else setOutput(null);
        document.body.dataset['loaded'] = String(Date.now());
      })
      .catch((e: Error) => setError(e.message));
  }, [uuid, tick]);

  useLive(
    (event) => {
      if ((event.type === 'status' && (event.parent_uuid === uuid || event.uuid === uuid)) || (event.type === 'record' && event.parent_uuid === uuid)) setTick((t) => t + 1);
    },
    [uuid],
  );

  if (error) return <p class="error">{error}</p>;
  if (!record) return <p class="muted">loading…</p>;
  const manifests = graph?.nodes.filter((node) => node.kind === 'Manifest') ?? [];
  const config = layer === 'version' ? record.config_layers.version : record.config_layers[layer];

  return (
    <section class="run-page">
      <h2>
        <span class="mono">{record.uuid}</span> <StatusBadge status={record.status} /> {record.label && <span class="label">{record.label}</span>}
      </h2>
      <p class="muted">
        <a href={`#/module/${encodeURIComponent(record.module ?? '')}`}>{record.module}</a> · {record.kind} · {versionText(record.version)} · created {timeText(record.created_at)} by {record.created_by ?? '?'}
      </p>
      <p class="mono cli">{record.cli}</p>
      {!readOnly && record.module && (
        <p>
          <button
            onClick={() => {
              setLaunching('launching…');
              api.launch(record.module!, record.version).then(
                () => setLaunching('launched'),
                (e: Error) => setLaunching(e.message),
              );
            }}
          >
            Launch
          </button>{' '}
          {launching && <span class="muted">{launching}</span>}
        </p>
      )}
      <div class="columns">
        <div>
          <h3>Config</h3>
          <div class="tabs">
            {LAYERS.map((name) => (
              <button key={name} class={name === layer ? 'active' : ''} onClick={() => setLayer(name)}>
                {LAYER_NAMES[name]}
              </button>
            ))}
          </div>
          <JsonView value={config} />
          {Object.keys(record.predicate as object).length > 0 && (
            <>
              <h3>Predicate</h3>
              <JsonView value={record.predicate} />
            </>
          )}
          <h3>Runs ({record.execution_count})</h3>
          {record.executions.length === 0 ? <p class="muted">not launched</p> : <ul class="runs-list">{record.executions.map((run) => <Timeline key={run.uuid} run={run} readOnly={readOnly} />)}</ul>}
          <h3>Relations</h3>
          {record.related.length === 0 ? (
            <p class="muted">none</p>
          ) : (
            <ul class="related">
              {record.related.map((item) => (
                <li key={`${item.relation}:${item.uuid}`}>
                  <span class="muted">{item.relation}</span> <a href={`#/run/${item.uuid}`}>{item.uuid}</a> {item.module} {item.label && <span class="label">{item.label}</span>}
                </li>
              ))}
            </ul>
          )}
          {manifests.length > 0 && (
            <>
              <h3>Provenance</h3>
              {manifests.map((node) => (
                <details key={node.uuid} open>
                  <summary>
                    code state <span class="mono">{node.uuid}</span>
                  </summary>
                  <JsonView value={node.attributes['entries'] ?? null} />
                </details>
              ))}
            </>
          )}
        </div>
        <div>
          <h3>Files</h3>
          <ul class="files">
            {files.map((entry) => (
              <li key={entry.path}>
                <a
                  href={`#/run/${uuid}`}
                  class={open?.path === entry.path ? 'active' : ''}
                  onClick={(e) => {
                    e.preventDefault();
                    setOpen(entry);
                  }}
                >
                  {entry.path}
                </a>{' '}
                <span class="muted">{entry.size} B</span>
              </li>
            ))}
          </ul>
          {open && (
            <div class="file-view" data-file={open.path}>
              <h4>{open.path}</h4>
              <FileViewer key={open.path} uuid={uuid} entry={open} />
            </div>
          )}
          {output && output.output !== null && (
            <>
              <h3>Output</h3>
              <pre class="text output">{output.output}</pre>
            </>
          )}
        </div>
      </div>
    </section>
  );
}

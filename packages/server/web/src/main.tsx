import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type Health, type ProjectInfo } from './api.js';
import { PlotPage } from './pages/PlotPage.js';
import { RunPage } from './pages/RunPage.js';
import { RunsPage } from './pages/RunsPage.js';
import './style.css';

/** The page's place, from the address's hash: `#/module/<m>`, `#/run/<id>`, `#/plot/<m>`. */
function useRoute(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const update = () => setRoute(read());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

function App() {
  const route = useRoute();
  const [project, setProject] = useState<ProjectInfo | null>(null);
  const [health, setHealth] = useState<Health | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    Promise.all([api.project(), api.health()]).then(
      ([p, h]) => {
        setProject(p);
        setHealth(h);
      },
      (e: Error) => setError(e.message),
    );
  }, [route[0] === 'run' ? '' : route.join('/')]);

  if (error) return <p class="error">{error}</p>;
  if (!project || !health) return <p class="muted">loading…</p>;
  const [page = '', arg = ''] = route;
  const module = page === 'module' ? arg : page === '' ? (project.modules[0]?.module ?? '') : '';
  return (
    <>
      <header>
        <a href="#/" class="brand">
          machinable
        </a>
        <nav>
          {project.modules.map((m) => (
            <a key={m.module} href={`#/module/${encodeURIComponent(m.module)}`} class={m.module === module ? 'active' : ''}>
              {m.module} <span class="muted">{m.count}</span>
            </a>
          ))}
          <a href={`#/plot/${encodeURIComponent(module)}`} class={page === 'plot' ? 'active' : ''}>
            plot
          </a>
        </nav>
        <span class="muted project">
          {project.project} {health.read_only ? '· read-only' : '· launch allowed'}
        </span>
      </header>
      <main>
        {page === 'run' ? (
          <RunPage uuid={arg} readOnly={health.read_only} />
        ) : page === 'plot' ? (
          <PlotPage module={arg} modules={project.modules} />
        ) : module ? (
          <RunsPage key={module} module={module} />
        ) : (
          <p class="muted">No runs stored yet in {project.storage}.</p>
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);

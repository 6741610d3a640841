import { spawn } from 'node:child_process';
import { Flags } from '@oclif/core';
import { MachinableCommand } from '../base-command.js';
import { UsageError } from '../errors.js';
import { onParentGone, startedByNpm } from '../parent-watch.js';
import { requireProjectFolder } from '../project-folder.js';

export default class Serve extends MachinableCommand {
  static override summary = "Serve the project's runs: a web dashboard and a JSON API.";

  static override description = `Starts an HTTP server over the project's store and index: a dashboard at / (runs tables per module with their config, status and labels, filtered and sorted through find; a run page with config layers, status timeline, files, relations, output and provenance; plots of any config path or result value across runs; live status updates) and the JSON API under /v1 (the paths and shapes of Python machinable's API).

Safe by default: it binds 127.0.0.1 (this machine only). Binding any other address (--host 0.0.0.0), or letting the page launch runs (--allow-launch, loopback too: any user of this machine reaches a loopback port), makes a random token, printed once, that every request must offer (open the printed address, which sets a cookie, or send Authorization: Bearer <token>). It is read-only: viewing never writes a record; --allow-launch lets the page launch runs. Files are served from inside record directories only.

The project is the current directory (a folder with a package.json, a machinable.config.ts, a module or stored runs; anywhere else serve says so and creates nothing). Stop with Ctrl-C, SIGTERM or SIGHUP; started by npm, it also stops, with the runs it launched, when npm ends (a killed npx machinable serve does not leave the server listening).`;

  static override examples = [
    { description: 'The dashboard on http://127.0.0.1:8000:', command: '<%= config.bin %> serve' },
    { description: 'Another port, and open it in the browser:', command: '<%= config.bin %> serve --port 8080 --open' },
    { description: 'Reachable from other machines (asks for the printed token), runs launchable from the page:', command: '<%= config.bin %> serve --host 0.0.0.0 --allow-launch' },
  ];

  static override flags = {
    port: Flags.integer({ char: 'p', description: 'TCP port (0 picks a free one)', default: 8000 }),
    host: Flags.string({ description: 'address to bind; any but a loopback address requires the printed token', default: '127.0.0.1' }),
    open: Flags.boolean({ description: 'open the dashboard in the default browser' }),
    'allow-launch': Flags.boolean({ description: 'let the page launch runs (read-only otherwise); asks for the printed token, loopback too' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Serve);
    // Outside a project, say so rather than create an index in whatever folder this started in.
    requireProjectFolder(await import('@machinable/core'), await this.project(), 'serve');
    const { serve, ServerError } = await import('@machinable/server');
    let server: Awaited<ReturnType<typeof serve>>;
    try {
      server = await serve({ directory: process.cwd(), port: flags.port, host: flags.host, allowLaunch: flags['allow-launch'] });
    } catch (error) {
      if (error instanceof ServerError) throw new UsageError(error.message);
      throw error;
    }
    this.log(`machinable dashboard: ${server.openUrl}`);
    this.log(`  ${server.readOnly ? 'read-only (--allow-launch lets the page launch runs)' : 'runs can be launched from the page'}; stop with Ctrl-C`);
    if (server.token !== undefined) {
      this.log(`  token (shown once): ${server.token}`);
      this.log('  open the address above (it sets a cookie), or send Authorization: Bearer <token>');
    }
    if (flags.open) openBrowser(server.openUrl);
    // Until Ctrl-C or a signal, or, started by npm (npx machinable serve), until npm ends: a signal
    // to npm does not reach this process. Started otherwise (nohup machinable serve &), it stays.
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        process.off('SIGHUP', stop);
        unwatch();
        resolve();
      };
      const unwatch = startedByNpm() ? onParentGone(stop) : () => undefined;
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      process.on('SIGHUP', stop);
    });
    await server.close();
  }
}

/** Opens a URL with the system's opener; a machine without one is told where to go instead. */
function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`could not open a browser (${command}); open ${url}\n`));
  child.unref();
}

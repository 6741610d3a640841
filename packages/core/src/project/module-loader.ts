import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closest } from '../config/suggest.js';
import { ModuleNotFoundError } from '../kernel/errors.js';
import { isElementClass, type ElementClass } from '../interface/element.js';
import { listModules, moduleFile } from './module-files.js';
import { registerTypeScriptLoader } from './ts-loader.js';

/**
 * A project's modules: `train` is `train.ts` (or `.mts`, `.js`, `.mjs`), `models.resnet` is
 * `models/resnet.ts`, each with one interface class as its default export; plus the modules
 * machinable itself provides (`machinable.execution`, ...), registered by the project.
 *
 * @example
 * const loader = new ModuleLoader('/research');
 * const Train = await loader.load('train');
 */
export class ModuleLoader {
  private readonly modules = new Map<string, Promise<ElementClass>>();
  private readonly classes = new Map<string, ElementClass>();
  private readonly names = new Map<Function, string>();

  constructor(
    readonly directory: string,
    private readonly beforeTypeScript: () => Promise<unknown> = async () => undefined,
  ) {}

  /**
   * Imports a module and returns its interface class. `.ts` modules compile on the fly, with
   * decorator metadata. Throws `ModuleNotFoundError` with near matches when there is no such file.
   */
  load(module: string): Promise<ElementClass> {
    let loading = this.modules.get(module);
    if (!loading) {
      loading = this.import(module);
      this.modules.set(module, loading);
      loading.catch(() => this.modules.delete(module));
    }
    return loading;
  }

  /** The class of a module loaded or registered already, without importing. */
  loaded(module: string): ElementClass | undefined {
    return this.classes.get(module);
  }

  /** Registers a class under a module name (machinable's own modules, and classes passed to `get()`). */
  register(module: string, cls: ElementClass): void {
    if (!this.names.has(cls)) this.names.set(cls, module);
    if (!this.modules.has(module)) {
      this.modules.set(module, Promise.resolve(cls));
      this.classes.set(module, cls);
    }
  }

  /** The module name of a class: the one it was loaded or registered under, else its static `module`, else its name. */
  moduleOf(cls: ElementClass): string {
    return this.names.get(cls) ?? cls.module ?? cls.name;
  }

  private async import(module: string): Promise<ElementClass> {
    const file = moduleFile(this.directory, module);
    if (!file) {
      const known = listModules(this.directory);
      const hint = closest(module, known);
      throw new ModuleNotFoundError(
        `unknown module '${module}': no ${module.split('.').join('/')}.ts (or .mts/.js/.mjs) in ${this.directory}` +
          (hint ? `. Did you mean '${hint}'?` : known.length ? `. Modules here: ${known.slice(0, 12).join(', ')}` : ''),
      );
    }
    if (/\.m?ts$/.test(file)) {
      await this.beforeTypeScript();
      registerTypeScriptLoader();
    }
    const exports = (await import(pathToFileURL(file).href)) as { default?: unknown };
    const cls = exports.default;
    if (!isElementClass(cls)) {
      throw new ModuleNotFoundError(
        `module '${module}' (${relative(this.directory, file)}) has no interface class as its default export; ` +
          'add `export default class MyRun extends Interface { ... }`',
      );
    }
    this.names.set(cls, module);
    this.classes.set(module, cls);
    return cls;
  }
}

import { Interface } from './interface.js';

/**
 * An interface whose compute step is `onExecute()` (the seed's Experiment).
 *
 * @example
 * export default class EstimatePi extends Experiment<Cfg> { onExecute() { ... } summary() { ... } }
 */
export class Experiment<C extends object = Record<string, unknown>> extends Interface<C> {
  static override kind = 'Experiment';
  static override readonly frameworkModule: string = 'machinable.experiment';

  /** The experiment's computation. */
  onExecute(): void | Promise<void> {}

  override run(): void | Promise<void> {
    return this.onExecute();
  }

  /** A one-line account of the experiment; override it to report results. */
  summary(): string {
    return `${this.module} ${this.id}: ${this.status()}`;
  }
}

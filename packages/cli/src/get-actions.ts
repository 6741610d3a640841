/**
 * The `--<member>` actions of `machinable get`: checked against the interface before any of them
 * runs (so a misspelt `--sumary` after `--launch` is refused before anything is computed or
 * stored), then called in order.
 */
import type { Element } from '@machinable/core';
import { UsageError } from './errors.js';
import type { GetAction } from './get-args.js';

type Core = typeof import('@machinable/core');
type MemberAction = Extract<GetAction, { kind: 'member' }>;

/**
 * Refuses, before anything runs, the first action naming a member the interface does not have
 * (with "did you mean") or passing arguments to a property. Getters are not called to tell.
 */
export function checkActions(core: Core, iface: Element<object>, actions: readonly GetAction[]): void {
  for (const action of actions) {
    if (action.kind !== 'member') continue;
    if (!isMember(iface, action.name)) throw unknownMember(core, iface, action.name);
    if (action.called && memberKind(iface, action.name) === 'property') throw calledProperty(iface, action.name);
  }
}

/** Calls `--name(args)` (or reads the property `--name`) on the interface and awaits the result. */
export async function callMember(core: Core, iface: Element<object>, action: MemberAction): Promise<unknown> {
  const { name, args } = action;
  if (!isMember(iface, name)) throw unknownMember(core, iface, name);
  const member = (iface as unknown as Record<string, unknown>)[name];
  if (typeof member !== 'function') {
    if (action.called) throw calledProperty(iface, name);
    return await member;
  }
  return await (member as (...a: unknown[]) => unknown).apply(iface, args as unknown[]);
}

function unknownMember(core: Core, iface: Element<object>, name: string): UsageError {
  const members = memberNames(core, iface);
  const hint = core.closest(name, members.all);
  const own = members.own.length ? `; its own methods: ${members.own.map((m) => `--${m}`).join(', ')}` : '';
  return new UsageError(
    `${iface.constructor.name} (${iface.module}) has no method or property '${name}'${hint ? `. Did you mean --${hint}?` : own}` +
      ' (nothing was launched or stored)',
  );
}

function calledProperty(iface: Element<object>, name: string): UsageError {
  return new UsageError(`'${name}' of ${iface.module} is a property, not a method; write --${name} without arguments`);
}

/** Members reachable from the command line: anything on the instance or its classes, but not Object's own. */
function isMember(iface: object, name: string): boolean {
  if (name === 'constructor' || !(name in iface)) return false;
  for (let o: object | null = iface; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    if (Object.prototype.hasOwnProperty.call(o, name)) return true;
  }
  return false;
}

/** Whether a member is a method or a property, read from its descriptor (a getter is not called). */
function memberKind(iface: object, name: string): 'method' | 'property' {
  for (let o: object | null = iface; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    const descriptor = Object.getOwnPropertyDescriptor(o, name);
    if (descriptor) return descriptor.get === undefined && typeof descriptor.value === 'function' ? 'method' : 'property';
  }
  return 'property';
}

/** Member names for suggestions: `all` of them, and the `own` methods declared by the module's classes. */
function memberNames(core: Core, iface: object): { all: string[]; own: string[] } {
  const framework = new Set<object>([core.Element.prototype, core.Interface.prototype, core.Experiment.prototype, core.Execution.prototype]);
  const all = new Set<string>(Object.keys(iface));
  const own: string[] = [];
  let inOwn = true;
  for (let proto = Object.getPrototypeOf(iface); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    if (framework.has(proto)) inOwn = false;
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor' || all.has(name)) continue;
      all.add(name);
      if (inOwn && typeof Object.getOwnPropertyDescriptor(proto, name)?.value === 'function') own.push(name);
    }
  }
  return { all: [...all], own };
}

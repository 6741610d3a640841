/** A context the command line opened (a scope, a storage, an execution): it runs a function inside it. */
export interface OpenedContext {
  within<R>(fn: () => Promise<R>): Promise<R>;
}

/**
 * Opens the contexts in order, each inside the ones before it (outermost first), and runs `fn`
 * inside them all; a context `open` answers `undefined` for is left out.
 *
 * @example
 * await withinContexts(request.contexts, (context) => openContext(core, project, context, true), launchAll);
 */
export async function withinContexts<C>(contexts: readonly C[], open: (context: C) => Promise<OpenedContext | undefined>, fn: () => Promise<void>): Promise<void> {
  const enter = async (i: number): Promise<void> => {
    if (i === contexts.length) return fn();
    const context = await open(contexts[i]!);
    return context ? context.within(() => enter(i + 1)) : enter(i + 1);
  };
  await enter(0);
}

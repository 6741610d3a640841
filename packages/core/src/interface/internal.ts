/**
 * Symbol-keyed hooks between `get()` and the interface classes. Not exported from the package:
 * users configure through `get()`, never by calling these.
 */
export const CONFIGURE = Symbol('machinable.configure');
export const HYDRATE = Symbol('machinable.hydrate');
export const BIND = Symbol('machinable.bind');

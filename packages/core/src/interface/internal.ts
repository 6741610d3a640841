/**
 * Symbol-keyed hooks between `get()` and the interface classes. Not exported from the package:
 * users configure through `get()`, never by calling these.
 */
export const CONFIGURE = Symbol('machinable.configure');
export const HYDRATE = Symbol('machinable.hydrate');
export const BIND = Symbol('machinable.bind');
export const COMPUTE = Symbol('machinable.compute');
export const WRITE_STATUS = Symbol('machinable.writeStatus');
export const RELATE = Symbol('machinable.relate');
export const WRITE_RECORD_FILE = Symbol('machinable.writeRecordFile');
export const LOCATE = Symbol('machinable.locate');

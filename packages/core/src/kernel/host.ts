import { hostname, userInfo } from 'node:os';

let host: string | undefined;

/**
 * This machine's host name (`os.hostname()`), asked once per process: claims and `host.json`
 * name it on every launch, and the name a process started under is the one it keeps.
 */
export function thisHost(): string {
  return (host ??= hostname());
}

let user: string | undefined;

/** The user name as Python's `getpass.getuser()` finds it: LOGNAME, USER, LNAME, USERNAME, then the OS. */
export function currentUser(): string {
  if (user === undefined) {
    const env = process.env;
    user = env['LOGNAME'] || env['USER'] || env['LNAME'] || env['USERNAME'] || safeUserName();
  }
  return user;
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

// Types of bin/current-bundle.js, for the tests.

/** The bundle's URL under the repository root `root` (a directory URL), or null when it is missing or stale. */
export function currentBundle(root: URL): URL | null;

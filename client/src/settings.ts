/**
 * Every setting Isola reads, in one place. To add one: declare it in package.json under
 * `contributes.configuration` (with scope and description), add its name here, and read it
 * where it is used (the server reads the `isola` section through `workspace/configuration`).
 */
export const SETTINGS = {
  section: 'isola',
  traceServer: 'isola.trace.server',
  builtins: 'isola.check.builtins',
  delay: 'isola.diagnostics.delay',
} as const;

// Starts the extraction worker (extract-worker.ts). A worker thread may not inherit the TypeScript loader of
// the process that starts it (it does not on Node 20, under `npm start`'s tsx or ava's --import=tsx): then it
// registers its own, as bin/agora.mjs does, and imports the worker afresh (a new URL: the failed one is cached).
const entry = new URL("./extract-worker.ts", import.meta.url);
try {
  await import(entry.href);
} catch (error) {
  if (error?.code !== "ERR_UNKNOWN_FILE_EXTENSION") throw error;
  const { register } = await import("tsx/esm/api");
  register();
  await import(`${entry.href}?loaded`);
}

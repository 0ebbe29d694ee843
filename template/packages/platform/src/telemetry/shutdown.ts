// Shared by the preload (telemetry.ts) and the application: one module instance per process, so
// the application can flush the spans of its last requests at shutdown without importing the SDK.
// The build keeps it so: both are bundled in one esbuild pass with code splitting (build.ts), which
// puts a module used by two entry points in a chunk they both import, never a copy in each.

let flush: (() => Promise<void>) | undefined;

export function onTelemetryShutdown(shutdown: () => Promise<void>): void {
  flush = shutdown;
}

/** Exports the spans still buffered; does nothing when telemetry is off. */
export async function shutdownTelemetry(): Promise<void> {
  await flush?.();
}

/** Whether the preload started OpenTelemetry in this process. */
export function telemetryStarted(): boolean {
  return flush !== undefined;
}

// Shared by the preload (telemetry.ts) and the application: one module instance per process, so
// the application can flush the spans of its last requests at shutdown without importing the SDK.

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

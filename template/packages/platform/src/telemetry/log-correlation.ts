// Shared by the preload (telemetry.ts) and the application, like shutdown.ts: the SDK, which only
// the preload loads, says here how to find the trace of the current operation, and the logger asks.
// With tracing off nothing is registered and the logger adds nothing to its lines.

/** The fields that tie a log line to its trace: trace_id, span_id and trace_flags. */
export type TraceFields = () => object;

let traceFields: TraceFields | undefined;

export function correlateLogsWith(fields: TraceFields): void {
  traceFields = fields;
}

/** What the logger merges into every line, or undefined when tracing is off. */
export function logCorrelation(): TraceFields | undefined {
  return traceFields;
}

/** The processes a deployable may have: src/<name>.ts is the entry point of each (processes.js). */
export declare const PROCESSES: readonly string[];

/** One benchmark figure as written to bench-results.json. */
export interface BenchFigure {
  value: number;
  unit: string;
  /** The raw ceiling measured in the same run (same unit). */
  ceiling: number;
  /** How the ceiling is printed when its unit differs from `unit` (printed, not written). */
  ceilingUnit?: string;
  /** value / ceiling for throughput figures (higher is better). */
  ratio: number;
  /** The ratio the issue asks for, when there is one (printed, not written). */
  target?: number;
  /** More figures written beside `value` in bench-results.json (e.g. `p99_ms`, `errors`). */
  extra?: Record<string, number>;
  /** Bars checked in the bench itself (printed as ok/FAIL instead of the ratio target, not written). */
  bars?: BenchBar[];
}

/** One bar a figure must meet, e.g. `{ text: 'p99 243 ms < 50', ok: false }`. */
export interface BenchBar {
  text: string;
  ok: boolean;
}

export type BenchFigures = Record<string, BenchFigure>;

/** A bench module: `export async function run(): Promise<BenchFigures>`. */
export interface BenchModule {
  run(): Promise<BenchFigures>;
}

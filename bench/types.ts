/** One benchmark figure as written to bench-results.json. */
export interface BenchFigure {
  value: number;
  unit: string;
  /** The raw ceiling measured in the same run (same unit). */
  ceiling: number;
  /** value / ceiling for throughput figures (higher is better). */
  ratio: number;
  /** The ratio the issue asks for, when there is one (printed, not written). */
  target?: number;
}

export type BenchFigures = Record<string, BenchFigure>;

/** A bench module: `export async function run(): Promise<BenchFigures>`. */
export interface BenchModule {
  run(): Promise<BenchFigures>;
}

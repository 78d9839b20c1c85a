// Stand-in for react-is (recharts 3's peer dependency) while it is not installed: recharts uses
// only isFragment. vite.config.ts uses this file only when `react-is` cannot be resolved.
export function isFragment(object: unknown): boolean {
  return typeof object === 'object' && object !== null && (object as { type?: unknown }).type === Symbol.for('react.fragment');
}

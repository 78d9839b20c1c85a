/**
 * The case's XState machine drawn as a state diagram, from the machine definition in
 * libs/workflow itself (the build writes its states and transitions to generated/machines.json):
 * states in columns by their distance from the initial state, an arrow per transition labelled with
 * its event, self-transitions listed in the state. The current state is lit; the transitions the
 * API allows now (allowedCommands → the command's event) are drawn bold. A list under the drawing
 * says the same in words (for screen readers and for anyone who prefers text).
 */
import machines from '../generated/machines.json';
import { useI18n, type Key } from '../i18n';

interface MachineDef {
  initial: string;
  states: Record<string, { on: Record<string, { target?: string; checks: string[] }> }>;
  commands?: Record<string, string>;
}

const W = 150;
const H = 48;
const GX = 130;
const GY = 44;

export function layout(def: MachineDef) {
  const depth = new Map<string, number>([[def.initial, 0]]);
  const queue = [def.initial];
  while (queue.length) {
    const s = queue.shift()!;
    for (const t of Object.values(def.states[s]?.on ?? {}))
      if (t.target && !depth.has(t.target)) {
        depth.set(t.target, depth.get(s)! + 1);
        queue.push(t.target);
      }
  }
  for (const s of Object.keys(def.states)) if (!depth.has(s)) depth.set(s, Math.max(0, ...depth.values()) + 1);
  const cols = new Map<number, string[]>();
  for (const [s, d] of depth) cols.set(d, [...(cols.get(d) ?? []), s]);
  const pos = new Map<string, { x: number; y: number }>();
  for (const [d, states] of cols) states.forEach((s, i) => pos.set(s, { x: 10 + d * (W + GX), y: 10 + i * (H + GY) }));
  const width = 20 + (Math.max(...cols.keys()) + 1) * (W + GX) - GX;
  const height = 20 + Math.max(...[...cols.values()].map((c) => c.length)) * (H + GY) - GY + 30;
  return { pos, width, height };
}

export function MachineDiagram({ current, allowed }: { current: string; allowed: string[] }) {
  const { t } = useI18n();
  const def = machines.case as MachineDef;
  const allowedEvents = new Set(allowed.map((c) => def.commands?.[c]).filter(Boolean));
  const { pos, width, height } = layout(def);
  const edges: { from: string; to: string; event: string }[] = [];
  for (const [s, node] of Object.entries(def.states)) for (const [event, tr] of Object.entries(node.on)) if (tr.target && tr.target !== s) edges.push({ from: s, to: tr.target, event });
  const stateLabel = (s: string) => t(`caseState.${s}` as Key);
  return (
    <figure className="machine" data-current={current}>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-labelledby="machine-title" style={{ maxWidth: width }}>
        <title id="machine-title">
          {t('machine')}: {stateLabel(current)}
        </title>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor" />
          </marker>
        </defs>
        {edges.map((e, i) => {
          const a = pos.get(e.from)!;
          const b = pos.get(e.to)!;
          const back = b.x <= a.x;
          const x1 = back ? a.x : a.x + W;
          const y1 = a.y + H / 2 + (back ? 8 : 0);
          const x2 = back ? b.x + W : b.x;
          const y2 = b.y + H / 2 + (back ? 8 : 0);
          const bend = back ? 40 + (i % 3) * 14 : 0;
          const mx = (x1 + x2) / 2;
          const my = (y1 + y2) / 2 + (back ? H / 2 + bend : (i % 2 ? -6 : 6));
          const live = e.from === current && allowedEvents.has(e.event);
          return (
            <g key={`${e.from}-${e.event}`} className={live ? 'edge live' : 'edge'} data-event={e.event}>
              <path d={`M ${x1} ${y1} Q ${mx} ${my} ${x2} ${y2}`} fill="none" stroke="currentColor" strokeWidth={live ? 3 : 1.2} markerEnd="url(#arrow)" />
              <text x={mx} y={back ? my - 4 : my - 6} textAnchor="middle" fontSize="10" fill="currentColor">
                {e.event}
              </text>
            </g>
          );
        })}
        {Object.keys(def.states).map((s) => {
          const p = pos.get(s)!;
          const lit = s === current;
          const self = Object.entries(def.states[s]!.on).filter(([, tr]) => !tr.target || tr.target === s).map(([e]) => e);
          return (
            <g key={s} className={lit ? 'state current' : 'state'} data-state={s}>
              <rect x={p.x} y={p.y} width={W} height={H} rx={10} className="state-box" strokeWidth={lit ? 3 : 1.5} />
              <text x={p.x + W / 2} y={p.y + 20} textAnchor="middle" fontSize="13" fontWeight={lit ? 700 : 400} className="state-name">
                {stateLabel(s)}
              </text>
              <text x={p.x + W / 2} y={p.y + 36} textAnchor="middle" fontSize="9" className="state-self">
                {self.join(', ')}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>{t('machineHelp')}</figcaption>
      <ul className="machine-text">
        {Object.entries(def.states).map(([s, node]) => (
          <li key={s} aria-current={s === current ? 'true' : undefined}>
            <strong>{stateLabel(s)}</strong>
            {s === current ? ' ●' : ''}:{' '}
            {Object.entries(node.on)
              .map(([e, tr]) => `${e}${tr.target && tr.target !== s ? ` → ${stateLabel(tr.target)}` : ''}${tr.checks.length ? ` [${tr.checks.join(', ')}]` : ''}`)
              .join('; ') || t('none')}
          </li>
        ))}
      </ul>
    </figure>
  );
}

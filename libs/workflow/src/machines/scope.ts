/**
 * One inert actor scope per machine, made once. xstate's `transition(machine, snapshot, event)` and
 * `initialTransition` make a fresh inert actor for every call (`createActor`, whose constructor
 * computes an initial snapshot with no input; ours throws on that and xstate catches it), which the
 * server's profile showed as ~5 % of a command. The machines' only action is `assign` (a built-in,
 * resolved into the next context, never executed through the scope), they spawn nothing and emit
 * nothing, so one scope per machine serves every decision: `machine.transition(snapshot, event,
 * scope)` / `machine.getInitialSnapshot(scope, input)` are exactly what `transition` /
 * `initialTransition` run, minus the throwaway actor.
 */
import { createActor, type AnyActorScope, type AnyActorLogic } from 'xstate';

/** `input`: a valid input, so the one actor made here starts without an error. */
export function inertScope(machine: unknown, input: unknown): AnyActorScope {
  const self = createActor(machine as AnyActorLogic, { input } as never);
  return {
    self,
    defer: () => {},
    id: '',
    logger: () => {},
    sessionId: '',
    stopChild: () => {},
    system: self.system,
    emit: () => {},
    actionExecutor: () => {},
  } as unknown as AnyActorScope;
}

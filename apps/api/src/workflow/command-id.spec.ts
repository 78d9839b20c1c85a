import { describe, expect, it } from '@jest/globals';
import { COMMAND_ID_NAMESPACE, commandIdFor, uuidV5 } from './command-id.js';

describe('command ids', () => {
  it('uuidV5 gives the RFC test vector (DNS namespace, www.example.com)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('the same user and Idempotency-Key give the same id; another user or key another one', () => {
    const a = commandIdFor('Anita Lindholt', 'k1');
    expect(a).toBe(commandIdFor('Anita Lindholt', 'k1'));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(commandIdFor('Admin', 'k1')).not.toBe(a);
    expect(commandIdFor('Anita Lindholt', 'k2')).not.toBe(a);
    // no split of name and key collides: ("a", "bc") is not ("ab", "c")
    expect(commandIdFor('a', 'bc')).not.toBe(commandIdFor('ab', 'c'));
    expect(a).toBe(uuidV5(JSON.stringify(['Anita Lindholt', 'k1']), COMMAND_ID_NAMESPACE));
  });

  it('without a key: a fresh id per request', () => {
    expect(commandIdFor('Admin', undefined)).not.toBe(commandIdFor('Admin', undefined));
  });
});

describe('commandContext', () => {
  const user = { name: 'Anita Lindholt', roles: [{ role: 'secretariat' as const, committee: 'NEHS' }] };
  const ctx = (idempotencyKey?: string) => ({
    user,
    correlationId: 'c-1',
    ifMatch: { raw: '"3"', revision: () => 3n },
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
  });

  it('carries the command id from Idempotency-Key when given; none without (the handler mints a fresh one per command)', async () => {
    const { commandContext } = await import('./access.js');
    const keyed = commandContext(ctx('k-7'));
    expect(keyed).toEqual({ actor: user, correlationId: 'c-1', ifMatch: 3n, commandId: commandIdFor(user.name, 'k-7') });
    expect(commandContext(ctx('k-7')).commandId).toBe(keyed.commandId);
    expect(commandContext(ctx())).toEqual({ actor: user, correlationId: 'c-1', ifMatch: 3n });
  });
});

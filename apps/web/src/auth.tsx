/**
 * Sign-in. Today: a bearer token typed in, kept in sessionStorage only (never in a URL), checked
 * with one authenticated read. The rest of the app sees only the `SignIn` interface, so an OIDC
 * sign-in (authorization code with PKCE, when the server is configured for OIDC) can replace
 * `tokenSignIn` by another implementation of it: `token()` then gives the access token.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, configureClient, request } from './api/client';

export interface SignIn {
  readonly kind: 'token' | 'oidc';
  /** The bearer token to send, or null (public views only). */
  token(): string | null;
  /** Starts a session (the token sign-in checks the token; an OIDC one would redirect). */
  signIn(credential: string): Promise<void>;
  signOut(): void;
}

const KEY = 'saksflyt.token';

export function tokenSignIn(): SignIn {
  return {
    kind: 'token',
    token: () => sessionStorage.getItem(KEY),
    async signIn(token: string) {
      const t = token.trim();
      // checked with one authenticated read before it is kept: an unknown token is 401
      const res = await fetch('/api/committees', { headers: { authorization: `Bearer ${t}`, accept: 'application/json' } });
      if (!res.ok) throw new ApiError({ title: 'Unauthorized', status: res.status });
      sessionStorage.setItem(KEY, t);
    },
    signOut: () => sessionStorage.removeItem(KEY),
  };
}

interface AuthState {
  signedIn: boolean;
  /** Set when a token was refused (typed, or expired later). */
  refused: boolean;
  signIn(credential: string): Promise<boolean>;
  signOut(): void;
  /** Changes whenever the session does (views re-read with it). */
  session: number;
}

const Ctx = createContext<AuthState>(null as never);

export function AuthProvider({ children, method = tokenSignIn() }: { children: ReactNode; method?: SignIn }) {
  const [session, setSession] = useState(0);
  const [refused, setRefused] = useState(false);
  const [signedIn, setSignedIn] = useState(() => method.token() !== null);
  useEffect(() => {
    configureClient(
      () => method.token(),
      () => {
        method.signOut();
        setSignedIn(false);
        setRefused(true);
        setSession((s) => s + 1);
      },
    );
  }, [method]);
  // configure synchronously too, so the first reads carry the token
  configureClient(() => method.token(), () => {
    method.signOut();
    setSignedIn(false);
    setRefused(true);
    setSession((s) => s + 1);
  });
  const signIn = useCallback(
    async (credential: string) => {
      try {
        await method.signIn(credential);
        setSignedIn(true);
        setRefused(false);
        setSession((s) => s + 1);
        return true;
      } catch {
        setRefused(true);
        return false;
      }
    },
    [method],
  );
  const signOut = useCallback(() => {
    method.signOut();
    setSignedIn(false);
    setSession((s) => s + 1);
  }, [method]);
  const value = useMemo(() => ({ signedIn, refused, signIn, signOut, session }), [signedIn, refused, signIn, signOut, session]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export const useAuth = () => useContext(Ctx);

/** For tests of the client: a request with the session's token. */
export { request };

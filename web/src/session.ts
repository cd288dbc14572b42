import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post } from './api';

export type Role = 'manager' | 'partner' | 'reviewer';
export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  partnerId: string | null;
  locale: 'fr' | 'en';
}

/** The signed-in user, shared by every page; `undefined` while the first check runs. */
let user: User | null | undefined;
const listeners = new Set<() => void>();

export function setUser(next: User | null): void {
  user = next;
  listeners.forEach((l) => l());
}

export function useUser(): User | null | undefined {
  const [, force] = useState(0);
  useEffect(() => {
    const update = () => force((n) => n + 1);
    listeners.add(update);
    // The user may have loaded between the first render and this subscription (effects run late).
    update();
    return () => void listeners.delete(update);
  }, []);
  return user;
}

export async function loadUser(): Promise<User | null> {
  try {
    const me = await get<User | { user: User }>('/api/auth/me');
    setUser('user' in me ? me.user : me);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 404)) setUser(null);
    else throw err;
  }
  return user ?? null;
}

export async function signIn(email: string, password: string): Promise<User> {
  const answer = await post<{ user?: User }>('/api/auth/login', { email, password });
  if (answer.user) {
    setUser(answer.user);
    return answer.user;
  }
  const loaded = await loadUser();
  if (!loaded) throw new Error('signed in but no session');
  return loaded;
}

export async function signOut(): Promise<void> {
  try {
    await post('/api/auth/logout');
  } finally {
    setUser(null);
  }
}

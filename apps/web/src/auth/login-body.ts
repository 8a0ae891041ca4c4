// The login form takes an email or, for users imported from NewAPI / one-api, a username: the api
// tells them apart by the field they arrive in.
import type { Schema } from '@gateway/contracts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function loginBody(identifier: string, password: string): Schema<'LoginDto'> {
  const name = identifier.trim();
  return EMAIL.test(name) ? { email: name, password } : { username: name, password };
}

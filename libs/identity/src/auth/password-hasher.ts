import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import type * as Bcrypt from 'bcryptjs';

/** bcrypt's prefixes: what NewAPI / one-api store (Go's x/crypto/bcrypt writes `$2a$`). */
const BCRYPT_HASH = /^\$2[aby]\$\d{2}\$/;

@Injectable()
export class PasswordHasher {
  // Verified against when the email is unknown, so that a miss costs as much time as a hit.
  private readonly decoy = argon2.hash('decoy password that matches nothing');

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    try {
      // bcryptjs is required at the first bcrypt hash (a NewAPI user's, until they next sign in), not
      // by every api process at start (issue #16).
      if (hash !== undefined && isBcryptHash(hash))
        return await (require('bcryptjs') as typeof Bcrypt).compare(password, hash);
      return await argon2.verify(hash ?? (await this.decoy), password);
    } catch {
      return false;
    }
  }

  /** True for a hash kept only until its owner next proves the password (then stored as argon2id). */
  needsRehash(hash: string): boolean {
    return isBcryptHash(hash);
  }
}

export function isBcryptHash(hash: string): boolean {
  return BCRYPT_HASH.test(hash);
}

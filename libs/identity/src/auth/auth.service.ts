import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { Session } from '../entities/session.entity';
import { User } from '../entities/user.entity';
import { IdentityError, IdentityErrorCode } from '../identity.errors';
import { LoginRateLimiter } from './login-rate-limiter';
import { PasswordHasher } from './password-hasher';
import { hashSessionToken, looksLikeSessionToken, newSessionToken } from './session-token';
import { canonicalEmail } from '../dto/account-fields';

export interface LoginResult {
  accessToken: string;
  expiresAt: Date;
  user: User;
}

/** How a user names themselves at login: the email, or an imported NewAPI user's username. */
export type LoginName = { email: string } | { username: string };

export interface ClientInfo {
  ip?: string;
  userAgent?: string;
}

/** A disabled user, or any member of a disabled tenant, can neither log in nor use a session. */
function mayUseDashboard(user: User): boolean {
  return !user.disabled && user.tenant?.status !== 'disabled';
}

@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    private readonly hasher: PasswordHasher,
    private readonly limiter: LoginRateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(who: LoginName, password: string, client: ClientInfo = {}): Promise<LoginResult> {
    const where: LoginName = 'email' in who ? { email: canonicalEmail(who.email) } : who;
    // The limiter counts per account name; a username is kept apart from any email spelled the same.
    const account = 'email' in where ? where.email : `username:${where.username}`;
    const attempt = await this.limiter.reserve(account, client.ip);
    const user = await this.users.findOne({ where, relations: { tenant: true } });
    const valid = await this.hasher.verify(user?.passwordHash, password);
    // One answer for every failure, so a guesser learns nothing about which part was wrong.
    if (!user || !valid || !mayUseDashboard(user))
      throw new IdentityError(IdentityErrorCode.InvalidCredentials);
    await this.limiter.succeeded(attempt);
    if (this.hasher.needsRehash(user.passwordHash)) await this.rehash(user, password);
    return this.issueSession(user, client);
  }

  /** An imported bcrypt hash becomes argon2id once its password is known to be right. */
  private async rehash(user: User, password: string): Promise<void> {
    const passwordHash = await this.hasher.hash(password);
    // Only if still the hash just verified: a password changed meanwhile must not be overwritten.
    await this.users.update({ id: user.id, passwordHash: user.passwordHash }, { passwordHash });
    user.passwordHash = passwordHash;
  }

  /** Starts a dashboard session for a user who has just proven who they are (login, registration). */
  async issueSession(user: User, client: ClientInfo = {}): Promise<LoginResult> {
    const accessToken = newSessionToken();
    const expiresAt = new Date(Date.now() + this.config.SESSION_TTL_HOURS * 3_600_000);
    await this.sessions.insert({
      userId: user.id,
      tokenHash: hashSessionToken(accessToken),
      expiresAt,
      revokedAt: null,
      ip: client.ip?.slice(0, 64) ?? null,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
    });
    return { accessToken, expiresAt, user };
  }

  /** The user behind a live session token, or undefined. */
  async authenticate(token: string): Promise<User | undefined> {
    if (!looksLikeSessionToken(token)) return undefined;
    const session = await this.sessions.findOne({
      where: { tokenHash: hashSessionToken(token), revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
      relations: { user: { tenant: true } },
    });
    if (!session?.user || !mayUseDashboard(session.user)) return undefined;
    return session.user;
  }

  async logout(token: string): Promise<void> {
    if (!looksLikeSessionToken(token)) return;
    await this.sessions.update(
      { tokenHash: hashSessionToken(token), revokedAt: IsNull() },
      { revokedAt: new Date() },
    );
  }
}

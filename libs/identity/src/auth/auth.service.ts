import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { Session } from '../entities/session.entity';
import { User } from '../entities/user.entity';
import { IdentityError, IdentityErrorCode } from '../identity.errors';
import { PasswordHasher } from './password-hasher';
import { hashSessionToken, looksLikeSessionToken, newSessionToken } from './session-token';

export interface LoginResult {
  accessToken: string;
  expiresAt: Date;
  user: User;
}

export interface ClientInfo {
  ip?: string;
  userAgent?: string;
}

@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    private readonly hasher: PasswordHasher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(email: string, password: string, client: ClientInfo = {}): Promise<LoginResult> {
    const user = await this.users.findOne({ where: { email: email.trim().toLowerCase() } });
    const valid = await this.hasher.verify(user?.passwordHash, password);
    if (!user || !valid || user.disabled) throw new IdentityError(IdentityErrorCode.InvalidCredentials);

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
      relations: { user: true },
    });
    if (!session?.user || session.user.disabled) return undefined;
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

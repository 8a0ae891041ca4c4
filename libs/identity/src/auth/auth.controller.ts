import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiAcceptedResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { LoginDto } from '../dto/login.dto';
import { RegisterDto } from '../dto/register.dto';
import { LoginResponse, RegistrationAccepted, UserView } from '../views/user.view';
import type { User } from '../entities/user.entity';
import { Authenticated, AuthenticatedRequest, CurrentUser, Public } from './access.decorators';
import { SESSION_COOKIE, sessionTokenOf } from './access.guard';
import { AuthService, LoginResult } from './auth.service';
import { RegistrationService } from './registration.service';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly registration: RegistrationService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponse })
  @ApiTooManyRequestsResponse({
    description: 'too many failed logins for this account or IP; see Retry-After',
  })
  async login(
    @Body() body: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResponse> {
    const who = body.email !== undefined ? { email: body.email } : { username: body.username ?? '' };
    const result = await this.auth.login(who, body.password, {
      ip: req.ip,
      userAgent: req.get('user-agent'),
    });
    return startSession(req, res, result);
  }

  /**
   * Only when sign-up is open: a new tenant with the caller as its owner. The answer is the same
   * whether or not the email already had an account, and opens no session: log in next.
   */
  @Public()
  @Post('register')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: RegistrationAccepted })
  @ApiTooManyRequestsResponse({ description: 'too many sign-ups from this IP; see Retry-After' })
  async register(
    @Body() body: RegisterDto,
    @Req() req: Request & { id?: string },
  ): Promise<RegistrationAccepted> {
    await this.registration.register(body, {
      ip: req.ip,
      userAgent: req.get('user-agent'),
      requestId: req.id,
    });
    return { status: 'accepted' };
  }

  @Authenticated()
  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  async logout(@Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<void> {
    const token = sessionTokenOf(req);
    if (token) await this.auth.logout(token);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Authenticated()
  @Get('me')
  @ApiBearerAuth()
  @ApiOkResponse({ type: UserView })
  me(@CurrentUser() user: User): UserView {
    return UserView.of(user);
  }
}

/** The session goes back both in the body (scripts) and as an httpOnly cookie (the SPA). */
function startSession(req: Request, res: Response, result: LoginResult): LoginResponse {
  res.cookie(SESSION_COOKIE, result.accessToken, {
    httpOnly: true,
    sameSite: 'lax',
    secure: req.secure,
    path: '/',
    expires: result.expiresAt,
  });
  return {
    accessToken: result.accessToken,
    expiresAt: result.expiresAt.toISOString(),
    user: UserView.of(result.user),
  };
}

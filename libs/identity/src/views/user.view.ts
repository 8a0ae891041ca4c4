import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '@gateway/common/http';
import type { User } from '../entities/user.entity';
import { Role } from '../roles';

/** What the API shows of a user: never the password hash. */
export class UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'the sign-in name of a user imported from NewAPI / one-api; null otherwise',
  })
  username!: string | null;
  @ApiProperty({ enum: Role }) role!: Role;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null only for super admins' })
  tenantId!: string | null;
  @ApiProperty() disabled!: boolean;
  @ApiProperty() createdAt!: string;

  static of(user: User): UserView {
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      username: user.username ?? null,
      role: user.role,
      tenantId: user.tenantId,
      disabled: user.disabled,
      createdAt: user.createdAt.toISOString(),
    };
  }
}

export class UserPage extends PageOf(UserView) {}

export class LoginResponse {
  @ApiProperty({
    description: 'Send as Authorization: Bearer <accessToken>. Also set as an httpOnly cookie.',
  })
  accessToken!: string;
  @ApiProperty() expiresAt!: string;
  @ApiProperty({ type: UserView }) user!: UserView;
}

/** The one answer to a sign-up, whether or not the email already had an account. */
export class RegistrationAccepted {
  @ApiProperty({
    enum: ['accepted'],
    description: 'The same for a new and an existing email; log in next with the password just chosen.',
  })
  status!: 'accepted';
}

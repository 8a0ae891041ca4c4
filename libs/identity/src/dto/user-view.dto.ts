import { ApiProperty } from '@nestjs/swagger';
import type { User } from '../entities/user.entity';
import { Role } from '../roles';

/** What the API shows of a user: never the password hash. */
export class UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: Role }) role!: Role;
  @ApiProperty() disabled!: boolean;
  @ApiProperty() createdAt!: string;

  static of(user: User): UserView {
    return {
      id: user.id,
      email: user.email,
      role: user.role,
      disabled: user.disabled,
      createdAt: user.createdAt.toISOString(),
    };
  }
}

export class LoginResponse {
  @ApiProperty({
    description: 'Send as Authorization: Bearer <accessToken>. Also set as an httpOnly cookie.',
  })
  accessToken!: string;
  @ApiProperty() expiresAt!: string;
  @ApiProperty({ type: UserView }) user!: UserView;
}

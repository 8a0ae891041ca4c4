import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

export class SetHashedSessionsDto {
  @ApiProperty({
    description:
      'without x-session-id, keep a conversation (recognised by its leading messages) on its key; false spreads every request',
  })
  @IsBoolean()
  enabled!: boolean;
}

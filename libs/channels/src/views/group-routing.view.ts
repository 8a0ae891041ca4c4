import { ApiProperty } from '@nestjs/swagger';

export class GroupRoutingView {
  @ApiProperty() group!: string;
  @ApiProperty({ type: String, nullable: true, description: 'the chain `auto` means; null: none' })
  defaultChain!: string | null;
  @ApiProperty({ description: 'conversations without x-session-id are recognised by their leading messages' })
  hashedSessions!: boolean;
}

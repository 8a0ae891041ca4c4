import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '@gateway/common/http';
import { TOPUP_ORDER_STATUSES, TopupOrderStatus } from '../../entities/topup-order.entity';

/** `GET /api/tenants/:id/topup-orders`: newest first, optionally of one status. */
export class ListTopupOrdersQuery extends PageQuery {
  @ApiPropertyOptional({ enum: TOPUP_ORDER_STATUSES })
  @IsOptional()
  @IsIn(TOPUP_ORDER_STATUSES, { message: `status must be one of ${TOPUP_ORDER_STATUSES.join(', ')}` })
  status?: TopupOrderStatus;
}

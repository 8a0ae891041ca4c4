import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PageQuery, UuidParam } from '@gateway/common/http';
import { Actor, CurrentActor } from '@gateway/identity';
import { PlanAdmin, PlanReader } from '../billing-permissions';
import { CreatePlanDto } from './dto/create-plan.dto';
import { UpdatePlanDto } from './dto/update-plan.dto';
import { SubscriptionsService } from '../subscriptions/subscriptions.service';
import { PlansService } from './plans.service';
import { PlanPageView, PlanView } from './views/plan.view';

@ApiTags('billing')
@ApiBearerAuth()
@Controller('api/plans')
export class PlansController {
  constructor(
    private readonly plans: PlansService,
    private readonly subscriptions: SubscriptionsService,
  ) {}

  @PlanReader()
  @Get()
  @ApiOperation({ summary: 'Plans, cheapest first (a tenant’s users see the active ones only)' })
  @ApiOkResponse({ type: PlanPageView })
  list(@CurrentActor() actor: Actor, @Query() query: PageQuery): Promise<PlanPageView> {
    return this.plans.list(actor, query);
  }

  @PlanReader()
  @Get(':id')
  @ApiOperation({ summary: 'One plan (a tenant’s users see active plans and their own)' })
  @ApiOkResponse({ type: PlanView })
  async get(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string): Promise<PlanView> {
    const own = actor.tenantId ? await this.subscriptions.currentPlanFor(actor.tenantId) : null;
    return this.plans.get(actor, id, own?.plan.id ?? null);
  }

  @PlanAdmin()
  @Post()
  @ApiOperation({ summary: 'Create a plan' })
  @ApiCreatedResponse({ type: PlanView })
  create(@CurrentActor() actor: Actor, @Body() body: CreatePlanDto): Promise<PlanView> {
    return this.plans.create(actor, body);
  }

  @PlanAdmin()
  @Patch(':id')
  @ApiOperation({ summary: 'Change a plan; applies to its subscribers at once' })
  @ApiOkResponse({ type: PlanView })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Body() body: UpdatePlanDto,
  ): Promise<PlanView> {
    return this.plans.update(actor, id, body);
  }
}

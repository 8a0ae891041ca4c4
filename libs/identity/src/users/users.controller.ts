import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { UuidParam } from '@gateway/common/http';
import { Roles } from '../auth/access.decorators';
import { Actor, CurrentActor } from '../auth/actor';
import { UserPage, UserView } from '../views/user.view';
import { USER_MANAGER_ROLES } from '../identity-permissions';
import { CreateUserDto } from './dto/create-user.dto';
import { ListUsersQuery } from './dto/list-users.query';
import { UpdateUserDto } from './dto/update-user.dto';
import { UsersService } from './users.service';

/** Which roles each role may manage: MANAGEABLE_ROLES in identity-permissions.ts. */
@ApiTags('users')
@ApiBearerAuth()
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Roles(...USER_MANAGER_ROLES)
  @Get()
  @ApiOkResponse({ type: UserPage })
  async list(@CurrentActor() actor: Actor, @Query() query: ListUsersQuery): Promise<UserPage> {
    const { items, total } = await this.users.list(actor, query);
    return { items: items.map(UserView.of), total };
  }

  @Roles(...USER_MANAGER_ROLES)
  @Post()
  @ApiCreatedResponse({ type: UserView })
  async create(@CurrentActor() actor: Actor, @Body() body: CreateUserDto): Promise<UserView> {
    return UserView.of(await this.users.create(actor, body));
  }

  @Roles(...USER_MANAGER_ROLES)
  @Get(':id')
  @ApiOkResponse({ type: UserView })
  async get(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string): Promise<UserView> {
    return UserView.of(await this.users.get(actor, id));
  }

  @Roles(...USER_MANAGER_ROLES)
  @Patch(':id')
  @ApiOkResponse({ type: UserView })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserView> {
    return UserView.of(await this.users.update(actor, id, body));
  }

  @Roles(...USER_MANAGER_ROLES)
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async delete(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string): Promise<void> {
    await this.users.delete(actor, id);
  }
}

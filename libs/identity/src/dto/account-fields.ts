// The rules for an account's email and a new password, in one place for every DTO that takes them
// (registration, user creation, password change). ADMIN_PASSWORD in the config follows the same minimum.
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;
export const EMAIL_MAX_LENGTH = 320;

/**
 * The one spelling of an email stored and looked up: trimmed, NFKC-normalised and lower-cased, so
 * addresses that look the same (a precomposed `é` or `e` + combining accent, full-width `ｂ`, any
 * case) name the same account, as UTS #46 and PRECIS (RFC 8265) map them.
 */
export function canonicalEmail(raw: string): string {
  return raw.trim().normalize('NFKC').toLowerCase().normalize('NFKC');
}

/** Validated in its canonical form: NFKC can turn a full-width `＠` or an en space into `@` or a space. */
export const AccountEmailField = () =>
  applyDecorators(
    ApiProperty({ format: 'email', maxLength: EMAIL_MAX_LENGTH }),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? canonicalEmail(value) : value)),
    IsEmail({}, { message: 'email must be an email address' }),
    MaxLength(EMAIL_MAX_LENGTH),
  );

/** A password being set. Put a presence decorator (e.g. OptionalButNotNull) first where it is optional. */
export const NewPasswordField = (options: { optional?: boolean } = {}) =>
  applyDecorators(
    (options.optional ? ApiPropertyOptional : ApiProperty)({
      format: 'password',
      minLength: PASSWORD_MIN_LENGTH,
      maxLength: PASSWORD_MAX_LENGTH,
    }),
    IsString(),
    MinLength(PASSWORD_MIN_LENGTH),
    MaxLength(PASSWORD_MAX_LENGTH),
  );

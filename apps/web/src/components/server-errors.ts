// Puts a 400's field errors ({field: "settings.apiVersion", messages}) on the form's fields; what
// has no field on the form (or is no validation error at all) becomes one message above the form.
import type { FormInstance } from 'antd';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/api-error';
import { describeError } from './error-alert';

type NamePath = (string | number)[];

function toNamePath(field: string): NamePath {
  return field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

const sameName = (a: NamePath, b: NamePath) => a.length === b.length && a.every((part, i) => part === b[i]);

/**
 * Sets the field errors of `error` on `form`. A path deeper than the form's fields (`keys.3` for a
 * textarea named `keys`) lands on the closest enclosing field. Returns the errors no field took, as
 * "field: message" lines, or null when `error` carries no field errors.
 */
export function applyServerErrors(form: FormInstance, error: unknown): string[] | null {
  if (!isApiError(error) || error.fieldErrors.length === 0) return null;
  const registered = form.getFieldsError().map((entry) => entry.name as NamePath);
  const byField = new Map<string, { name: NamePath; errors: string[] }>();
  const unplaced: string[] = [];
  for (const fieldError of error.fieldErrors) {
    const path = toNamePath(fieldError.field);
    let name: NamePath | undefined;
    for (let length = path.length; length > 0 && !name; length--) {
      name = registered.find((candidate) => sameName(candidate, path.slice(0, length)));
    }
    if (!name) {
      unplaced.push(...fieldError.messages.map((message) => `${fieldError.field}: ${message}`));
      continue;
    }
    const key = name.join('.');
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(...fieldError.messages);
    byField.set(key, entry);
  }
  form.setFields([...byField.values()]);
  return unplaced;
}

/** A form's server-error handling: field errors on fields, the rest in `formError`. */
export function useServerErrors(form: FormInstance) {
  const { t } = useTranslation();
  const [formError, setFormError] = useState<string | null>(null);
  const onError = useCallback(
    (error: unknown) => {
      const unplaced = applyServerErrors(form, error);
      if (unplaced === null) setFormError(describeError(t, error));
      else setFormError(unplaced.length > 0 ? unplaced.join('\n') : null);
    },
    [form, t],
  );
  const clear = useCallback(() => setFormError(null), []);
  return { formError, onError, clear };
}

// A tenant picker that loads the tenants itself (every one, searchable by name): a list's filter, a
// form's field (Form.Item hands it value and onChange) or a page's choice of tenant.
import { Select, type SelectProps } from 'antd';
import { useTenantOptions } from '../api/tenants-api';

export function TenantSelect(props: Omit<SelectProps<string>, 'options' | 'loading' | 'showSearch'>) {
  const tenants = useTenantOptions();
  return (
    <Select<string>
      showSearch={{ optionFilterProp: 'label' }}
      loading={tenants.isPending}
      options={tenants.data?.items.map((tenant) => ({ value: tenant.id, label: tenant.name }))}
      {...props}
    />
  );
}

import { Input, type InputProps } from 'antd';

/** A USD amount typed as text (the api takes a decimal string, never a float), with a $. */
export function UsdInput(props: Omit<InputProps, 'prefix' | 'inputMode'>) {
  return <Input prefix="$" inputMode="decimal" {...props} />;
}

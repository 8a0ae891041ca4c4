// A time zone picker: the browser's zones in the api's spelling, found by any name the zone goes by
// (typing "Calcutta" finds Asia/Kolkata), the form's value shown even when the browser lacks it.
import { Select, type SelectProps } from 'antd';
import { useMemo } from 'react';
import { matchesTimeZone, type TimeZoneOption, timeZoneOptions } from './time-zones';

type TimeZoneSelectProps = Omit<SelectProps<string, TimeZoneOption>, 'options' | 'showSearch' | 'mode'>;

export function TimeZoneSelect({ value, ...props }: TimeZoneSelectProps) {
  const options = useMemo(() => timeZoneOptions(undefined, value), [value]);
  return (
    <Select<string, TimeZoneOption>
      {...props}
      value={value}
      showSearch={{ filterOption: matchesTimeZone }}
      options={options}
    />
  );
}

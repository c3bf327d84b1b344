// A source picker: the built-in sources first, then the browser's devices of that kind.
export function DeviceSelect(props: {
  testId: string;
  value: string | undefined;
  onChange: (value: string) => void;
  builtIn: [value: string, label: string][];
  devices: MediaDeviceInfo[];
  unnamed: string;
}) {
  return (
    <select
      data-testid={props.testId}
      value={props.value ?? ''}
      onChange={(e) => props.onChange(e.target.value)}
    >
      {props.builtIn.map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
      {props.devices.map((d, i) => (
        <option key={d.deviceId} value={d.deviceId}>
          {d.label || `${props.unnamed} ${i + 1}`}
        </option>
      ))}
    </select>
  );
}

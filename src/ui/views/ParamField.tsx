// One numeric run parameter as the run controls and the sandbox controls show it: label, input, unit.

import type { ChangeEvent } from 'react';

export interface ParamFieldSpec<K extends string> {
  key: K;
  label: string;
  unit: string;
  help: string;
  step: string;
}

export function ParamField<K extends string>({ field, value, onChange, testIdPrefix }: { field: ParamFieldSpec<K>; value: string; onChange: (event: ChangeEvent<HTMLInputElement>) => void; testIdPrefix: string }) {
  const unitName = field.unit === 's' ? 'seconds' : field.unit;
  return (
    <label className="param" title={field.help}>
      <span className="param-label">{field.label}</span>
      <input type="number" data-testid={`${testIdPrefix}-${field.label.replace(' ', '-')}`} inputMode="decimal" min="0" step={field.step} value={value} onChange={onChange} aria-label={`${field.label}${field.unit ? ` (${unitName})` : ''}`} />
      {field.unit && <span className="param-unit">{field.unit}</span>}
    </label>
  );
}

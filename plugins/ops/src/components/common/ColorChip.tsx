import { ReactElement, cloneElement } from 'react';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import { useTheme } from '@material-ui/core/styles';

/** A small chip filled with one colour, its text in the contrasting one. */
export const ColorChip = (props: {
  label: string;
  color: string;
  icon?: ReactElement;
  tooltip?: string;
  'aria-label'?: string;
}) => {
  const { label, color, icon, tooltip } = props;
  const theme = useTheme();
  const textColor = theme.palette.getContrastText(color);
  const chip = (
    <Chip
      size="small"
      label={label}
      aria-label={props['aria-label']}
      // The chip would otherwise paint its icon in the default grey.
      icon={icon && cloneElement(icon, { style: { color: textColor } })}
      style={{ backgroundColor: color, color: textColor }}
    />
  );
  return tooltip ? <Tooltip title={tooltip}>{chip}</Tooltip> : chip;
};

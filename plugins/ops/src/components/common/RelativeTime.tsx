import { formatDateTime, formatRelative } from './time';

/** "5 minutes ago", with the exact instant as a tooltip and in `dateTime`. */
export const RelativeTime = (props: { value: string; prefix?: string }) => (
  <time dateTime={props.value} title={formatDateTime(props.value)}>
    {props.prefix}
    {formatRelative(props.value)}
  </time>
);

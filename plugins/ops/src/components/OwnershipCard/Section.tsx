import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';

/** A titled block of the ownership card. */
export const Section = (props: { title: string; children: ReactNode }) => (
  <Box component="section" marginBottom={2} aria-label={props.title}>
    <Typography variant="overline" component="h3" color="textSecondary">
      {props.title}
    </Typography>
    {props.children}
  </Box>
);

import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { BlastRadiusEntry } from '@operable/backstage-plugin-ops-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';

/** "dependencyOf → partOf": the relations that lead from the failing entity. */
export function describeChain(via: string[]): string {
  return via.length > 0 ? via.join(' → ') : 'directly';
}

/** Every entity the incident can reach, how, and who owns it. */
export const BlastRadiusList = (props: { entries: BlastRadiusEntry[] }) => {
  if (props.entries.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        The failure reaches no other entity.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Blast radius">
      <TableHead>
        <TableRow>
          <TableCell>Entity</TableCell>
          <TableCell>Reached via</TableCell>
          <TableCell>Owner</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.entries.map(entry => (
          <TableRow key={entry.entityRef}>
            <TableCell>
              <EntityRefLink entityRef={entry.entityRef} />
            </TableCell>
            <TableCell>
              <code>{describeChain(entry.via)}</code>
            </TableCell>
            <TableCell>
              {entry.owner ? (
                <EntityRefLink entityRef={entry.owner} defaultKind="group" />
              ) : (
                <Typography variant="body2" color="textSecondary">
                  unknown
                </Typography>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};

import { RunbookProblem } from '@operable/backstage-plugin-ops-common';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';

/** `file:line:column`, the way editors and compilers point at a place. */
function position(problem: RunbookProblem): string {
  let text = problem.location;
  if (problem.line !== undefined) {
    text += `:${problem.line}`;
    if (problem.column !== undefined) {
      text += `:${problem.column}`;
    }
  }
  return text;
}

/**
 * The files that failed validation, each with where and what. None of them
 * is loaded half-way; the last good version of each keeps serving.
 */
export const RunbookProblems = (props: { problems: RunbookProblem[] }) => {
  const { problems } = props;
  if (problems.length === 0) {
    return null;
  }
  const files = new Set(problems.map(problem => problem.location)).size;
  return (
    <Alert
      severity="error"
      style={{ marginBottom: 16 }}
      aria-label="Runbook problems"
    >
      <AlertTitle>
        {files === 1
          ? '1 runbook file has problems'
          : `${files} runbook files have problems`}
      </AlertTitle>
      <ul style={{ margin: 0, paddingLeft: 20 }}>
        {problems.map((problem, index) => (
          <li key={index}>
            <Typography variant="body2" style={{ overflowWrap: 'anywhere' }}>
              <code>{position(problem)}</code>
              {problem.runbookId && <> ({problem.runbookId})</>}:{' '}
              {problem.message}
            </Typography>
          </li>
        ))}
      </ul>
      <Typography variant="caption" component="p" style={{ marginTop: 8 }}>
        A file with a problem is not loaded; the last good version of its
        runbook keeps serving.
      </Typography>
    </Alert>
  );
};

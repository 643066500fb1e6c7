// The server's error codes (docs/protocol.md) in plain words. The server's own message is
// kept where it names a field or a limit, because that is the useful part.
const PLAIN = {
  cell_taken: 'Too late: another topic just took that slot. Pick another free slot.',
  table_taken: 'Too late: another project just took that table for that day.',
  vote_cap_reached: 'Your votes are all used up. Remove a vote to vote for this one.',
  already_voted: 'You already voted for this topic.',
  not_voted: 'You had not voted for this topic.',
  already_joined: 'You already joined this project.',
  not_joined_project: 'You had not joined this project.',
  project_full: 'This project is full: the maintainers cannot take more people.',
  locked: 'The organizers have locked this for now.',
  forbidden: 'You are not allowed to do that (only the owner or an organizer can).',
  not_joined: 'This event is for participants only: join with your name (or open your personal link) first.',
  cap_reached: 'You already have as many as the organizers allow per person. Withdraw one of yours to add another.',
  not_subscribed: 'Still connecting to the board. Try again in a moment.',
  invalid_state: 'This item was withdrawn or changed; it cannot be changed any more.',
  not_found: 'That no longer exists (it may have been removed a moment ago).',
  storage_error: 'The server could not save this. Nothing changed; please try again.',
  bad_secret: 'This link or device key is not valid.',
  rate_limited: 'Slow down a moment: too many attempts at once.',
  too_many_connections: 'You have this event open on too many devices or tabs. Close one and try again.',
  forbidden_origin: 'This page was opened from another site, so the board refused the connection. Open the event from its own address.',
  ticket_required: 'This event needs a ticket code to join. Type the code from your badge or ticket.',
  ticket_used: 'This ticket has already been used. Open your personal link on the device you joined with.',
  removed: 'An organizer removed you from this event. You can no longer propose, vote or join here.',
  offline: 'You are offline right now; the page reconnects by itself. Try again in a moment.',
};

const WITH_SERVER_TEXT = new Set(['bad_request', 'invalid_value', 'too_long', 'conflict', 'locked', 'cell_taken', 'table_taken', 'cap_reached']);

// "in 1 second", "in 40 seconds", "in 3 minutes"
export function waitText(seconds) {
  const s = Math.max(1, Math.ceil(Number(seconds) || 0));
  if (s < 90) return `in ${s} ${s === 1 ? 'second' : 'seconds'}`;
  const m = Math.ceil(s / 60);
  return `in ${m} minutes`;
}

export function friendly(err) {
  const code = err && err.code;
  const server = err && err.message ? String(err.message) : '';
  const plain = PLAIN[code];
  const retry = err && typeof err.retryAfter === 'number' ? err.retryAfter
    : err && typeof err.retry_after === 'number' ? err.retry_after : null;
  if (code === 'rate_limited' && retry !== null) return `${plain} Try again ${waitText(retry)}.`;
  if (plain && WITH_SERVER_TEXT.has(code) && server && server !== code) return `${plain} (${server})`;
  if (plain) return plain;
  if (code === 'too_long') return `That is too long: ${server}`;
  if (code === 'invalid_value' || code === 'bad_request' || code === 'conflict') return `That did not work: ${server}`;
  return server || 'Something went wrong. Please try again.';
}

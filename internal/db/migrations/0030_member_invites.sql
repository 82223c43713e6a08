-- An owner who adds an existing account to the company invites it: the person becomes a
-- member, with the roles offered, only when they accept while signed in as themselves.
-- One pending invitation per company and person.
CREATE TABLE member_invites (
    id         @UUID PRIMARY KEY,
    org_id     @UUID NOT NULL REFERENCES orgs (id),
    user_id    @UUID NOT NULL REFERENCES users (id),
    roles      TEXT NOT NULL,
    invited_by @UUID NOT NULL REFERENCES users (id),
    state      TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'declined', 'revoked')),
    created_at BIGINT NOT NULL,
    decided_at BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX member_invites_pending ON member_invites (org_id, user_id) WHERE state = 'pending';
CREATE INDEX member_invites_user ON member_invites (user_id, state);

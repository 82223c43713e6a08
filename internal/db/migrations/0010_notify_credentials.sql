-- In-site messages to an organisation, and the credential lifecycle: when an approved
-- supplier's credentials were last verified, and which expiry reminders were sent.

CREATE TABLE messages (
    id         @UUID PRIMARY KEY,
    org_id     @UUID NOT NULL REFERENCES orgs (id),
    kind       TEXT NOT NULL,
    msg_key    TEXT NOT NULL,
    args       TEXT NOT NULL DEFAULT '[]',
    link       TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    read_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX messages_org ON messages (org_id, created_at);

ALTER TABLE supplier_applications ADD COLUMN verified_at BIGINT NOT NULL DEFAULT 0;

CREATE TABLE credential_notices (
    org_id     @UUID NOT NULL REFERENCES orgs (id),
    credential TEXT NOT NULL,
    notice     TEXT NOT NULL,
    sent_at    BIGINT NOT NULL,
    PRIMARY KEY (org_id, credential, notice)
);

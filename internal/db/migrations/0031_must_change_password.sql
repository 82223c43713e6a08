-- A password someone else chose (a member's generated initial password, a staff account
-- opened by an admin) must be replaced by its owner at first sign-in before anything
-- else; changing one's own password clears the mark.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
